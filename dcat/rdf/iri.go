package rdf

import (
	"fmt"
	"strings"
)

// iriRef is an IRI reference split into the five components of RFC 3986,
// section 3. The has* fields tell an empty component from an absent one.
type iriRef struct {
	scheme       string
	authority    string
	path         string
	query        string
	fragment     string
	hasAuthority bool
	hasQuery     bool
	hasFragment  bool
}

// schemeLen returns the length of s's scheme (ALPHA *( ALPHA / DIGIT / "+" /
// "-" / "." ) followed by ':'), or 0 if s does not start with one.
func schemeLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return i
		default:
			return 0
		}
	}
	return 0
}

// isAbsoluteIRI reports whether s starts with a scheme.
func isAbsoluteIRI(s string) bool { return schemeLen(s) > 0 }

// hasSchemeBytes is isAbsoluteIRI for a byte slice, without converting it.
func hasSchemeBytes(b []byte) bool {
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

func parseIRIRef(s string) iriRef {
	var r iriRef
	if n := schemeLen(s); n > 0 {
		r.scheme = s[:n]
		s = s[n+1:]
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		r.fragment, r.hasFragment = s[i+1:], true
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		r.query, r.hasQuery = s[i+1:], true
		s = s[:i]
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		i := strings.IndexByte(s, '/')
		if i < 0 {
			i = len(s)
		}
		r.authority, r.hasAuthority = s[:i], true
		s = s[i:]
	}
	r.path = s
	return r
}

func (r iriRef) String() string {
	var b strings.Builder
	b.Grow(len(r.scheme) + len(r.authority) + len(r.path) + len(r.query) + len(r.fragment) + 5)
	if r.scheme != "" {
		b.WriteString(r.scheme)
		b.WriteByte(':')
	}
	if r.hasAuthority {
		b.WriteString("//")
		b.WriteString(r.authority)
	}
	b.WriteString(r.path)
	if r.hasQuery {
		b.WriteByte('?')
		b.WriteString(r.query)
	}
	if r.hasFragment {
		b.WriteByte('#')
		b.WriteString(r.fragment)
	}
	return b.String()
}

// baseIRI is a parsed absolute base IRI. The zero value has no base.
type baseIRI struct {
	raw    string
	parsed iriRef
}

func newBaseIRI(s string) (baseIRI, error) {
	if s == "" {
		return baseIRI{}, nil
	}
	if !isAbsoluteIRI(s) {
		return baseIRI{}, fmt.Errorf("base IRI %q is not absolute", s)
	}
	return baseIRI{raw: s, parsed: parseIRIRef(s)}, nil
}

func (b baseIRI) isSet() bool { return b.raw != "" }

// withoutFragment returns the base IRI with any fragment removed, as used
// for RDF/XML's rdf:ID.
func (b baseIRI) withoutFragment() string {
	if i := strings.IndexByte(b.raw, '#'); i >= 0 {
		return b.raw[:i]
	}
	return b.raw
}

// resolve resolves the reference ref against b per RFC 3986, section 5.2.2.
// An absolute reference is returned unchanged. ok is false when ref is
// relative and b has no base.
func (b baseIRI) resolve(ref string) (iri string, ok bool) {
	if isAbsoluteIRI(ref) {
		return ref, true
	}
	if !b.isSet() {
		return "", false
	}
	return resolveRef(b.parsed, parseIRIRef(ref)), true
}

// resolveRef implements the "Transform References" algorithm of RFC 3986,
// section 5.2.2, for a reference r with no scheme.
func resolveRef(base, r iriRef) string {
	t := iriRef{scheme: base.scheme, fragment: r.fragment, hasFragment: r.hasFragment}
	switch {
	case r.hasAuthority:
		t.authority, t.hasAuthority = r.authority, true
		t.path = removeDotSegments(r.path)
		t.query, t.hasQuery = r.query, r.hasQuery
	case r.path == "":
		t.authority, t.hasAuthority = base.authority, base.hasAuthority
		t.path = base.path
		if r.hasQuery {
			t.query, t.hasQuery = r.query, true
		} else {
			t.query, t.hasQuery = base.query, base.hasQuery
		}
	default:
		t.authority, t.hasAuthority = base.authority, base.hasAuthority
		if r.path[0] == '/' {
			t.path = removeDotSegments(r.path)
		} else {
			t.path = removeDotSegments(mergePaths(base, r.path))
		}
		t.query, t.hasQuery = r.query, r.hasQuery
	}
	return t.String()
}

// mergePaths implements RFC 3986, section 5.2.3.
func mergePaths(base iriRef, ref string) string {
	if base.hasAuthority && base.path == "" {
		return "/" + ref
	}
	i := strings.LastIndexByte(base.path, '/')
	if i < 0 {
		return ref
	}
	return base.path[:i+1] + ref
}

// removeDotSegments implements RFC 3986, section 5.2.4.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	out := make([]byte, 0, len(in))
	removeLast := func() {
		i := len(out) - 1
		for i >= 0 && out[i] != '/' {
			i--
		}
		if i < 0 {
			i = 0
		}
		out = out[:i]
	}
	for len(in) > 0 {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			removeLast()
		case in == "/..":
			in = "/"
			removeLast()
		case in == "." || in == "..":
			in = ""
		default:
			i := 0
			if in[0] == '/' {
				i = 1
			}
			j := strings.IndexByte(in[i:], '/')
			if j < 0 {
				j = len(in)
			} else {
				j += i
			}
			out = append(out, in[:j]...)
			in = in[j:]
		}
	}
	return string(out)
}
