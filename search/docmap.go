package search

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Documents are made as the index mapping would make them
// (mapping.MapDocument), from the fields bleveDoc returns, but without its
// walk by reflection, and with the texts that many documents share
// analysed once: a code list's labels are on every variable that uses the
// list, a publisher's name on every record it publishes, and a variable's
// title and description recur across the datasets of a register (the same
// question in every wave of a study, the same label in every survey cycle).

// fieldSpec is how the mapping indexes a field.
type fieldSpec struct {
	options  index.FieldIndexingOptions
	analyzer analysis.Analyzer
	shared   bool // its texts recur across documents: analyse each once
}

// sharedFields are the fields whose texts recur across many documents:
// titles, descriptions, code labels, publishers' names, and the values of
// the keyword fields that are not one record's own.
func sharedFields() map[string]bool {
	shared := map[string]bool{fieldPublisher: true, fieldType: true, fieldCodeList: true, fieldModified: true}
	for _, l := range textLanguages() {
		shared[fieldTitle+l.suffix] = true
		shared[fieldDescription+l.suffix] = true
		shared[fieldCodes+l.suffix] = true
	}
	for _, f := range facetFields() {
		shared[f] = true
	}
	return shared
}

// fieldSpecs reads the field mappings of m, which must be newMapping's.
func fieldSpecs(m mapping.IndexMapping) map[string]fieldSpec {
	im := m.(*mapping.IndexMappingImpl)
	shared := sharedFields()
	specs := map[string]fieldSpec{}
	for name, dm := range im.DefaultMapping.Properties {
		if len(dm.Fields) != 1 {
			continue // _all, disabled
		}
		fm := dm.Fields[0]
		analyzer := fm.Analyzer
		if analyzer == "" {
			analyzer = im.DefaultAnalyzer
		}
		specs[name] = fieldSpec{options: fm.Options(), analyzer: im.AnalyzerNamed(analyzer), shared: shared[name]}
	}
	return specs
}

// docMapper makes Bleve documents. It is not safe for concurrent use: each
// goroutine that maps documents has its own.
type docMapper struct {
	specs    map[string]fieldSpec
	scratch  map[string]any          // bleveDoc's fields, reused
	analysed map[sharedText]analysed // of shared fields' texts
	size     int                     // estimated bytes of analysed
}

type sharedText struct{ field, text string }

// maxAnalysedSize bounds a docMapper's memory of analysed texts, as
// analysedSize estimates it. The memory is kept while the mapper is idle
// (Index keeps one per core), so that a text recurring in the next batch
// or the next source is found; 8 MB holds about 7,000 texts. (In the
// harvest of the 1M corpus, 24 MB took the peak RSS over 2 GiB, and a
// sync.Pool, emptied at every collection, often cost more than it saved.)
const maxAnalysedSize = 8 << 20

// analysedSize estimates the bytes that remembering a text's analysis
// takes: the text, and per term its bytes, its map entry and frequency,
// and its locations.
func analysedSize(text string, freqs index.TokenFrequencies) int {
	n := 64 + len(text)
	for term, tf := range freqs {
		n += 2*len(term) + 112 + 72*len(tf.Locations)
	}
	return n
}

func newDocMapper(specs map[string]fieldSpec) *docMapper {
	return &docMapper{specs: specs, analysed: map[sharedText]analysed{}, scratch: make(map[string]any, 32)}
}

// fields returns an empty map for bleveDoc's fields, the same each time:
// a new map per document made about 2 GB of garbage in a harvest of a
// million variables.
func (m *docMapper) fields() map[string]any {
	clear(m.scratch)
	return m.scratch
}

// document makes the document of id with fields (string or []string
// values; an array's values are indexed at their positions).
func (m *docMapper) document(id string, fields map[string]any) (*document.Document, error) {
	doc := document.NewDocument(id)
	for name, value := range fields {
		spec, ok := m.specs[name]
		if !ok {
			return nil, fmt.Errorf("field %s is not in the index mapping", name)
		}
		switch v := value.(type) {
		case string:
			doc.AddField(m.field(name, spec, []uint64{}, v, true))
		case []string:
			for i, s := range v {
				doc.AddField(m.field(name, spec, []uint64{uint64(i)}, s, len(v) == 1))
			}
		default:
			return nil, fmt.Errorf("field %s: cannot index a %T", name, value)
		}
	}
	doc.SetIndexed()
	return doc, nil
}

// field makes a field of a document; once says that the document has no
// other field of that name.
func (m *docMapper) field(name string, spec fieldSpec, positions []uint64, text string, once bool) document.Field {
	f := document.NewTextFieldCustom(name, positions, []byte(text), spec.options, spec.analyzer)
	// Only a field that occurs once in a document may share its analysis:
	// Bleve merges the frequencies of a field's later occurrences into the
	// first one's. With term vectors, the analysis holds the field's
	// position in an array: only a field given as a string (no position)
	// shares it then.
	if !spec.shared || !once || !spec.options.IsIndexed() || spec.options.IncludeTermVectors() && len(positions) > 0 {
		return f
	}
	key := sharedText{name, text}
	a, ok := m.analysed[key]
	if !ok {
		// Analysed on a copy: the analyzers rewrite the bytes they read.
		probe := document.NewTextFieldCustom(name, positions, []byte(text), spec.options, spec.analyzer)
		probe.Analyze()
		a = analysed{length: probe.AnalyzedLength(), freqs: probe.AnalyzedTokenFrequencies()}
		size := analysedSize(text, a.freqs)
		if m.size+size > maxAnalysedSize {
			clear(m.analysed)
			m.size = 0
		}
		m.analysed[key] = a
		m.size += size
	}
	return &analysedField{TextField: f, analysed: a}
}

// analysed is what analysing a text gave.
type analysed struct {
	length int
	freqs  index.TokenFrequencies
}

// analysedField is a text field analysed beforehand: its analysis, shared
// with other documents' fields of the same text, is only read.
type analysedField struct {
	*document.TextField
	analysed
}

func (f *analysedField) Analyze() {}

func (f *analysedField) AnalyzedLength() int { return f.length }

func (f *analysedField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }
