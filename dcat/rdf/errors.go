package rdf

import "fmt"

// SyntaxError is a reader's report of input it cannot read. Line and Col are
// 1-based; Col counts characters (runes), not bytes.
type SyntaxError struct {
	Format string // "turtle", "ntriples", "rdfxml" or "jsonld"
	Line   int
	Col    int
	Msg    string
}

func (e *SyntaxError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Format, e.Msg)
	}
	return fmt.Sprintf("%s: line %d, column %d: %s", e.Format, e.Line, e.Col, e.Msg)
}
