//go:build !race

package harvest

// raceEnabled is whether the tests run under the race detector, which
// makes reading a feed about ten times slower.
const raceEnabled = false
