package search

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/katalog/katalog/catalog"
)

// find returns the row of a key.
func (t suggestTable) find(key string) (suggestRow, bool) {
	i, ok := slices.BinarySearchFunc(t.rows, key, func(r suggestRow, k string) int { return strings.Compare(r.key, k) })
	if !ok {
		return suggestRow{}, false
	}
	return t.rows[i], true
}

// decodeSuggestTable reads a whole encoded table.
func decodeSuggestTable(raw []byte) (suggestTable, error) {
	var t suggestTable
	if raw == nil {
		return t, nil
	}
	r := &tableReader{b: raw}
	t.records = r.records(true)
	err := r.rows(len(t.records), func(key []byte, count, record int, text []byte) {
		t.rows = append(t.rows, suggestRow{string(key), count, record, string(text)})
	})
	return t, err
}

func TestSuggestTableEncoding(t *testing.T) {
	ds := &catalog.Dataset{Identifier: "MFR", Title: catalog.Text{"nb": "Medisinsk  fødselsregister"}}
	d := catalog.Document{Dataset: ds, Members: []catalog.Document{
		{Dataset: ds, Variable: &catalog.Variable{Identifier: "MFR:KJONN", Name: "KJONN", Title: catalog.Text{"nb": "Kjønn", "en": "Sex"}}},
		{Dataset: ds, Variable: &catalog.Variable{Identifier: "MFR:KJONN2", Name: "KJONN2", Title: catalog.Text{"nb": "Kjønn"}}},
		{Dataset: ds, Variable: &catalog.Variable{Identifier: "MFR:BT", Name: "BT", Title: catalog.Text{"nb": "Systolisk blodtrykk"}}},
	}}
	tab := newSuggestTable(d)
	want := map[string]suggestRow{
		"medisinsk fødselsregister": {count: 1, record: 0, text: "Medisinsk fødselsregister"},
		"fødselsregister":           {count: 1, record: 0, text: "Medisinsk fødselsregister"},
		"kjønn":                     {count: 2, record: 1, text: "Kjønn"}, // the title of two
		"kjonn":                     {count: 1, record: 1, text: "KJONN"},
		"sex":                       {count: 1, record: 1, text: "Sex"},
		"kjonn2":                    {count: 1, record: 2, text: "KJONN2"},
		"blodtrykk":                 {count: 1, record: 3, text: "Systolisk blodtrykk"},
	}
	if len(tab.rows) != 9 { // and "systolisk blodtrykk", "bt"
		t.Errorf("%d rows; want 9: %+v", len(tab.rows), tab.rows)
	}
	for k, w := range want {
		w.key = k
		if got, ok := tab.find(k); !ok || got != w {
			t.Errorf("row %q = %+v, %v; want %+v", k, got, ok, w)
		}
	}
	raw := tab.encode()
	back, err := decodeSuggestTable(raw)
	if err != nil || !reflect.DeepEqual(back, tab) {
		t.Fatalf("decode(encode(table)) = %+v, %v; want %+v", back, err, tab)
	}
	for _, row := range tab.rows {
		rec := tab.records[row.record]
		want := catalog.Suggestion{Text: row.text, Type: rec.kind, Identifier: rec.identifier}
		if got, ok, err := findSuggestion(raw, row.key); got != want || !ok || err != nil {
			t.Errorf("findSuggestion(%q) = %+v, %v, %v; want %+v", row.key, got, ok, err, want)
		}
	}
	for _, key := range []string{"", "a", "kjønnx", "zzz"} {
		if got, ok, err := findSuggestion(raw, key); ok || err != nil {
			t.Errorf("findSuggestion(%q) = %+v, %v, %v; want none", key, got, ok, err)
		}
	}
	keys, err := tableKeys(raw)
	if err != nil || len(keys) != len(tab.rows) {
		t.Fatalf("tableKeys = %d rows, %v; want %d", len(keys), err, len(tab.rows))
	}
	// Every cut of the table is an error, not a panic or a shorter table.
	for n := range len(raw) {
		if _, err := decodeSuggestTable(raw[:n]); !errors.Is(err, errSuggestTable) {
			t.Errorf("decode of the first %d of %d bytes: %v; want %v", n, len(raw), err, errSuggestTable)
		}
		if _, ok, err := findSuggestion(raw[:n], "zzz"); ok || !errors.Is(err, errSuggestTable) {
			t.Errorf("findSuggestion in the first %d of %d bytes: %v, %v; want %v", n, len(raw), ok, err, errSuggestTable)
		}
		if _, err := tableKeys(raw[:n]); !errors.Is(err, errSuggestTable) {
			t.Errorf("tableKeys of the first %d of %d bytes: %v; want %v", n, len(raw), err, errSuggestTable)
		}
	}
	// Rows out of order would make the dictionary miscount.
	tab.rows[0], tab.rows[1] = tab.rows[1], tab.rows[0]
	if _, err := tableKeys(tab.encode()); !errors.Is(err, errSuggestTable) {
		t.Errorf("tableKeys of rows out of order: %v; want %v", err, errSuggestTable)
	}
}

// FuzzSuggestTable feeds damaged tables to the readers: they return an
// error or a result, and never panic.
func FuzzSuggestTable(f *testing.F) {
	ds := &catalog.Dataset{Identifier: "MFR", Title: catalog.Text{"nb": "Medisinsk fødselsregister"}}
	f.Add(newSuggestTable(catalog.Document{Dataset: ds, Members: []catalog.Document{
		{Dataset: ds, Variable: &catalog.Variable{Identifier: "MFR:KJONN", Name: "KJONN", Title: catalog.Text{"nb": "Kjønn", "en": "Sex"}}},
	}}).encode(), "kjønn")
	f.Add([]byte{1, 0, 1, 'x', 1, 1, 'y', 1, 0, 1, 'k', 1, 0, 0}, "k")
	f.Fuzz(func(t *testing.T, raw []byte, key string) {
		findSuggestion(raw, key)
		if keys, err := tableKeys(raw); err == nil {
			for i := 1; i < len(keys); i++ {
				if string(keys[i].key) <= string(keys[i-1].key) {
					t.Fatalf("tableKeys gave %q after %q", keys[i].key, keys[i-1].key)
				}
			}
		}
	})
}
