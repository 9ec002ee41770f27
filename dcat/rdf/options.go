package rdf

// Default limits used when the corresponding Options field is zero.
const (
	DefaultMaxDepth        = 256
	DefaultMaxLiteralBytes = 16 << 20
)

// Options configures a reader. The zero value is ready to use: no base IRI
// and the default limits.
type Options struct {
	// Base is the absolute IRI against which relative IRIs are resolved,
	// usually the address the document was fetched from. With no base, a
	// relative IRI in the input is a syntax error.
	Base string

	// MaxDepth bounds nesting: of [ ] and ( ) in Turtle, of elements in
	// RDF/XML, of arrays and objects in JSON-LD. Zero means
	// DefaultMaxDepth.
	MaxDepth int

	// MaxLiteralBytes bounds the size of one token: a literal's lexical
	// form, an IRI, a name. Zero means DefaultMaxLiteralBytes.
	MaxLiteralBytes int

	// Relative, if set, hears each relative IRI reference of the input
	// (before it is resolved against Base), so that a validator can say
	// that a feed's IRIs should be absolute.
	Relative func(ref string)
}

func (o Options) maxDepth() int {
	if o.MaxDepth > 0 {
		return o.MaxDepth
	}
	return DefaultMaxDepth
}

func (o Options) maxLiteralBytes() int {
	if o.MaxLiteralBytes > 0 {
		return o.MaxLiteralBytes
	}
	return DefaultMaxLiteralBytes
}
