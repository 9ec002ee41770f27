package validate_test

import (
	"os"
	"testing"

	"github.com/katalog/katalog/catalog/validate"
	"github.com/katalog/katalog/dcat"
	"github.com/katalog/katalog/dcat/rdf"
)

// BenchmarkValidate validates the largest fixture feed (MoBa, 10,431
// variables) with each profile.
func BenchmarkValidate(b *testing.B) {
	f, err := os.Open("../../fixtures/feeds/fhi-moba.ttl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	g := dcat.NewGraph()
	if err := rdf.ParseTurtle(f, rdf.Options{Base: "https://example.org/"}, g.Add); err != nil {
		b.Fatal(err)
	}
	for _, profile := range validate.Profiles() {
		b.Run(profile, func(b *testing.B) {
			v, err := validate.New(profile)
			if err != nil {
				b.Fatal(err)
			}
			var n int
			for b.Loop() {
				n = len(v.Validate(g).Findings)
			}
			b.ReportMetric(float64(n), "findings")
			b.ReportMetric(10431*float64(b.N)/b.Elapsed().Seconds(), "variables/s")
		})
	}
}
