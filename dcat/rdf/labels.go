package rdf

import "strconv"

// blankNodes names the blank nodes of one document: labels from the input
// are mapped to fresh names, so they never collide with generated ones.
type blankNodes struct {
	labels map[string]string
	n      int
	buf    []byte
}

func newBlankNodes() blankNodes {
	return blankNodes{labels: make(map[string]string)}
}

func (b *blankNodes) fresh() Term {
	b.n++
	b.buf = strconv.AppendInt(append(b.buf[:0], 'b'), int64(b.n), 10)
	return Term{Kind: KindBlank, Value: string(b.buf)}
}

// named returns the blank node for the input label.
func (b *blankNodes) named(label []byte) Term {
	if v, ok := b.labels[string(label)]; ok {
		return Term{Kind: KindBlank, Value: v}
	}
	t := b.fresh()
	b.labels[string(label)] = t.Value
	return t
}

// stringCache hands out one string per distinct byte sequence, so that
// repeated IRIs are allocated once per document. It is bounded and belongs to
// one reader.
type stringCache map[string]string

const (
	stringCacheEntries = 4096
	stringCacheMaxLen  = 256
)

func (c stringCache) get(b []byte) string {
	if len(b) > stringCacheMaxLen {
		return string(b)
	}
	if s, ok := c[string(b)]; ok {
		return s
	}
	if len(c) >= stringCacheEntries {
		clear(c)
	}
	s := string(b)
	c[s] = s
	return s
}

// getString is get for a string that is already allocated: it returns the
// cached copy, so that equal IRIs share memory.
func (c stringCache) getString(s string) string {
	if len(s) > stringCacheMaxLen {
		return s
	}
	if v, ok := c[s]; ok {
		return v
	}
	if len(c) >= stringCacheEntries {
		clear(c)
	}
	c[s] = s
	return s
}
