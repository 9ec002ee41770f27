package rdf

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// benchParse measures one reader on data, reporting bytes and triples.
func benchParse(b *testing.B, f Format, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		err := Parse(bytes.NewReader(data), f, Options{Base: "http://example.org/"}, func(Triple) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "triples/op")
}

func readBenchFile(b *testing.B, path string) []byte {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkParseTurtle measures ParseTurtle on the largest feed (13 MB).
func BenchmarkParseTurtle(b *testing.B) {
	benchParse(b, FormatTurtle, readBenchFile(b, feedsDir+"/fhi-moba.ttl"))
}

// BenchmarkParseNTriples measures ParseNTriples on the largest feed
// written as N-Triples.
func BenchmarkParseNTriples(b *testing.B) {
	ts, err := parseFile(feedsDir+"/fhi-moba.ttl", FormatTurtle, "")
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	for _, t := range ts {
		sb.WriteString(t.String())
		sb.WriteByte('\n')
	}
	benchParse(b, FormatNTriples, []byte(sb.String()))
}

// BenchmarkParseRDFXML measures ParseRDFXML on the Geonorge feed.
func BenchmarkParseRDFXML(b *testing.B) {
	benchParse(b, FormatRDFXML, readBenchFile(b, feedsDir+"/fdk-2017/geonorge-data-2017-10-19.xml"))
}

// BenchmarkIsomorphic compares a 120,000-triple feed with itself.
func BenchmarkIsomorphic(b *testing.B) {
	ts, err := parseFile(feedsDir+"/nhanes.ttl", FormatTurtle, "")
	if err != nil {
		b.Fatal(err)
	}
	ts2, err := parseFile(feedsDir+"/nhanes.ttl", FormatTurtle, "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !Isomorphic(ts, ts2) {
			b.Fatal("Isomorphic(feed, same feed) = false")
		}
	}
}
