package search

// WithoutCache turns the result cache of x off, so that benchmarks measure
// every search.
func WithoutCache(x *Index) { x.cache = nil }

// SplitAfter sets after how many matches a search shares its pass with
// the other cores, and returns a function that restores it.
func SplitAfter(n int) (restore func()) {
	old := splitAfter
	splitAfter = n
	return func() { splitAfter = old }
}
