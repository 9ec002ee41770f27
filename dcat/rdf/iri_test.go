package rdf

import "testing"

// TestResolveIRI checks the examples of RFC 3986, section 5.4, and a few
// more edge cases.
func TestResolveIRI(t *testing.T) {
	tests := []struct {
		base, ref, want string
	}{
		// RFC 3986, 5.4.1 Normal Examples.
		{"http://a/b/c/d;p?q", "g:h", "g:h"},
		{"http://a/b/c/d;p?q", "g", "http://a/b/c/g"},
		{"http://a/b/c/d;p?q", "./g", "http://a/b/c/g"},
		{"http://a/b/c/d;p?q", "g/", "http://a/b/c/g/"},
		{"http://a/b/c/d;p?q", "/g", "http://a/g"},
		{"http://a/b/c/d;p?q", "//g", "http://g"},
		{"http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y"},
		{"http://a/b/c/d;p?q", "g?y", "http://a/b/c/g?y"},
		{"http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q#s"},
		{"http://a/b/c/d;p?q", "g#s", "http://a/b/c/g#s"},
		{"http://a/b/c/d;p?q", "g?y#s", "http://a/b/c/g?y#s"},
		{"http://a/b/c/d;p?q", ";x", "http://a/b/c/;x"},
		{"http://a/b/c/d;p?q", "g;x", "http://a/b/c/g;x"},
		{"http://a/b/c/d;p?q", "g;x?y#s", "http://a/b/c/g;x?y#s"},
		{"http://a/b/c/d;p?q", "", "http://a/b/c/d;p?q"},
		{"http://a/b/c/d;p?q", ".", "http://a/b/c/"},
		{"http://a/b/c/d;p?q", "./", "http://a/b/c/"},
		{"http://a/b/c/d;p?q", "..", "http://a/b/"},
		{"http://a/b/c/d;p?q", "../", "http://a/b/"},
		{"http://a/b/c/d;p?q", "../g", "http://a/b/g"},
		{"http://a/b/c/d;p?q", "../..", "http://a/"},
		{"http://a/b/c/d;p?q", "../../", "http://a/"},
		{"http://a/b/c/d;p?q", "../../g", "http://a/g"},
		// RFC 3986, 5.4.2 Abnormal Examples.
		{"http://a/b/c/d;p?q", "../../../g", "http://a/g"},
		{"http://a/b/c/d;p?q", "../../../../g", "http://a/g"},
		{"http://a/b/c/d;p?q", "/./g", "http://a/g"},
		{"http://a/b/c/d;p?q", "/../g", "http://a/g"},
		{"http://a/b/c/d;p?q", "g.", "http://a/b/c/g."},
		{"http://a/b/c/d;p?q", ".g", "http://a/b/c/.g"},
		{"http://a/b/c/d;p?q", "g..", "http://a/b/c/g.."},
		{"http://a/b/c/d;p?q", "..g", "http://a/b/c/..g"},
		{"http://a/b/c/d;p?q", "./../g", "http://a/b/g"},
		{"http://a/b/c/d;p?q", "./g/.", "http://a/b/c/g/"},
		{"http://a/b/c/d;p?q", "g/./h", "http://a/b/c/g/h"},
		{"http://a/b/c/d;p?q", "g/../h", "http://a/b/c/h"},
		{"http://a/b/c/d;p?q", "g;x=1/./y", "http://a/b/c/g;x=1/y"},
		{"http://a/b/c/d;p?q", "g;x=1/../y", "http://a/b/c/y"},
		{"http://a/b/c/d;p?q", "g?y/./x", "http://a/b/c/g?y/./x"},
		{"http://a/b/c/d;p?q", "g?y/../x", "http://a/b/c/g?y/../x"},
		{"http://a/b/c/d;p?q", "g#s/./x", "http://a/b/c/g#s/./x"},
		{"http://a/b/c/d;p?q", "g#s/../x", "http://a/b/c/g#s/../x"},
		{"http://a/b/c/d;p?q", "http:g", "http:g"},
		// More.
		{"http://example.org", "#x", "http://example.org#x"},
		{"http://example.org", "x", "http://example.org/x"},
		{"http://example.org/a#frag", "", "http://example.org/a"},
		{"http://example.org/a#frag", "#other", "http://example.org/a#other"},
		{"urn:isbn:0451450523", "#x", "urn:isbn:0451450523#x"},
		{"file:///tmp/x/manifest.ttl", "test.ttl", "file:///tmp/x/test.ttl"},
		{"http://example.org/dir/", "?q", "http://example.org/dir/?q"},
		{"http://u@example.org:8080/a/b", "../c", "http://u@example.org:8080/c"},
	}
	for _, tc := range tests {
		b, err := newBaseIRI(tc.base)
		if err != nil {
			t.Fatalf("newBaseIRI(%q) = %v", tc.base, err)
		}
		if got, ok := b.resolve(tc.ref); !ok || got != tc.want {
			t.Errorf("resolve(%q, %q) = %q, %v; want %q, true", tc.base, tc.ref, got, ok, tc.want)
		}
	}
}

func TestResolveIRIWithoutBase(t *testing.T) {
	var b baseIRI
	if got, ok := b.resolve("http://a/b"); !ok || got != "http://a/b" {
		t.Errorf("resolve(no base, absolute) = %q, %v; want it unchanged", got, ok)
	}
	if got, ok := b.resolve("b"); ok {
		t.Errorf("resolve(no base, %q) = %q, true; want false", "b", got)
	}
	if _, err := newBaseIRI("relative/base"); err == nil {
		t.Errorf("newBaseIRI(%q) = nil error; want an error", "relative/base")
	}
}
