package search

// WithoutCache turns the result cache of x off, so that benchmarks measure
// every search.
func WithoutCache(x *Index) { x.cache = nil }
