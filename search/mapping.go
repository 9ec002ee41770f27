package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/katalog/katalog/search/lexicon"
)

// mappingVersion changes whenever the index mapping or the document shape
// changes; an index with another version is rebuilt from the store. The
// lexicon's version is part of it, since the analyzers use its word lists.
var mappingVersion = "10." + lexiconVersion()

func lexiconVersion() string {
	lex, err := lexicon.Default()
	if err != nil {
		return "broken"
	}
	return lex.Version
}

// textLanguage is one language of the per-language text fields.
type textLanguage struct {
	suffix   string
	analyzer string
}

// textLanguages returns how text fields are indexed per language: Norwegian
// (bokmål and nynorsk) with Bleve's Norwegian analyzer, English with the
// English one, and every other language with the standard analyzer.
func textLanguages() []textLanguage {
	return []textLanguage{
		{"nb", analyzerNo},
		{"nn", analyzerNo},
		{"en", analyzerEn},
		{"other", analyzerOther},
	}
}

// Field names of an index document.
const (
	fieldType        = "type"
	fieldNameLower   = "name_lower"
	fieldIdentifier  = "identifier"
	fieldTitle       = "title_"         // + language suffix
	fieldDescription = "description_"   // + language suffix
	fieldCodes       = "codes_"         // + language suffix
	fieldDatasetName = "dataset_title_" // + language suffix; on a dataset's own document only
	fieldKeywords    = "keywords"
	fieldPublisher   = "publisher_text" // the publisher's name, analysed
	fieldSuggest     = "suggest"        // a dataset's suggestion table (see suggest.go), stored only
	fieldSpelling    = "spelling"       // the words of the texts and publisher as written, lowercased, for corrections
	fieldCodeList    = "code_list"      // a variable's code list IRI
	fieldSortTitle   = "sort_title"
	fieldModified    = "modified"
	fieldHit         = "hit"
)

func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = analyzerOther
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := bleve.NewDocumentStaticMapping()
	// Keyword fields keep doc values where facets and sorting read them.
	kw := func(name string, docValues bool) {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		dm.AddFieldMappingsAt(name, f)
	}
	// Titles and descriptions keep term positions, which phrases need;
	// nothing keeps a stored copy (the stored hit has the texts, and
	// highlighting analyses them anew).
	text := func(name, analyzer string, positions bool) {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = positions
		f.IncludeInAll = false
		f.DocValues = false
		dm.AddFieldMappingsAt(name, f)
	}
	kw(fieldType, true)
	kw(fieldNameLower, false)
	kw(fieldIdentifier, false)
	kw(fieldSortTitle, true)
	kw(fieldModified, true)
	kw(fieldCodeList, false)
	for _, facet := range facetFields() {
		kw(facet, true)
	}
	text(fieldKeywords, analyzerOther, false)
	text(fieldSpelling, analyzerOther, false)
	text(fieldPublisher, analyzerOther, false)
	for _, l := range textLanguages() {
		text(fieldTitle+l.suffix, l.analyzer, true)
		text(fieldDescription+l.suffix, l.analyzer, true)
		text(fieldCodes+l.suffix, l.analyzer, false)
		text(fieldDatasetName+l.suffix, l.analyzer, false)
	}
	for _, name := range []string{fieldHit, fieldSuggest} {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		dm.AddFieldMappingsAt(name, f)
	}

	// No field goes into Bleve's composite _all field: leave it out.
	all := bleve.NewDocumentDisabledMapping()
	dm.AddSubDocumentMapping("_all", all)

	im.DefaultMapping = dm
	return im
}
