package catalog

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"
)

// ContentHash returns a hash of what the dataset's publisher said about it:
// every field but Katalog's bookkeeping (Source, Hash, FirstSeen,
// LastChanged, Withdrawn). Equal hashes mean an unchanged record.
func (d *Dataset) ContentHash() string {
	c := *d
	c.Source, c.Hash, c.FirstSeen, c.LastChanged, c.Withdrawn = "", "", time.Time{}, time.Time{}, nil
	return hashJSON(&c)
}

// ContentHash returns a hash of what the publisher said about the variable,
// including its code list (cl, which may be nil) but not its position in the
// dataset or Katalog's bookkeeping.
func (v *Variable) ContentHash(cl *CodeList) string {
	c := *v
	c.Source, c.Hash, c.Position, c.FirstSeen, c.LastChanged, c.Withdrawn = "", "", 0, time.Time{}, time.Time{}, nil
	return hashJSON(struct {
		V  *Variable
		CL *CodeList
	}{&c, cl})
}

func hashJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		// The records are plain data; Marshal cannot fail on them.
		panic("catalog: hash: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
