package harvest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAll(t *testing.T) {
	data := []byte(strings.Repeat("<a> <b> \"c\" .\n", 1000))
	n := int64(len(data))
	for _, size := range []int64{-1, 0, 1, n - 1, n, n + 1, 10 * n} {
		for name, r := range map[string]io.Reader{
			"whole":    bytes.NewReader(data),
			"bytewise": iotest.OneByteReader(bytes.NewReader(data)),
		} {
			got, err := readAll(r, size)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("readAll(%s, %d) = %d bytes, %v; want the %d bytes", name, size, len(got), err, n)
			}
		}
	}
	// Told the size (plus one, to see the end), it reads into one buffer.
	if got, _ := readAll(bytes.NewReader(data), n+1); cap(got) != int(n+1) {
		t.Errorf("cap = %d; want %d (no growing)", cap(got), n+1)
	}
	if _, err := readAll(iotest.ErrReader(io.ErrUnexpectedEOF), n); err != io.ErrUnexpectedEOF {
		t.Errorf("err = %v; want the reader's error", err)
	}
}

func TestReadLimitedSize(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 1000)
	for _, size := range []int64{-1, 999, 1000, 1001, 1 << 40} {
		f := &fetcher{budget: 999, max: 999}
		if _, err := f.readLimited(bytes.NewReader(data), size); err == nil || !strings.Contains(err.Error(), "larger than the limit of 999 bytes") {
			t.Errorf("size %d: err = %v; want over the limit", size, err)
		}
		f = &fetcher{budget: 1000, max: 1000}
		got, err := f.readLimited(bytes.NewReader(data), size)
		if err != nil || !bytes.Equal(got, data) || f.budget != 0 {
			t.Errorf("size %d: %d bytes, %v, budget left %d; want all 1000, none left", size, len(got), err, f.budget)
		}
	}
}
