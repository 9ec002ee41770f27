package search

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestOpenOtherMappingVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idx")
	x, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.idx.SetInternal([]byte(internalVersion), []byte(mappingVersion+"-old")); err != nil {
		t.Fatal(err)
	}
	x.Close()
	_, err = Open(path)
	if !errors.Is(err, ErrStale) {
		t.Errorf("Open(index of mapping %s-old) = %v; want ErrStale", mappingVersion, err)
	}
}
