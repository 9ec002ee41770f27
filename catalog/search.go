package catalog

import (
	"context"
	"time"
)

// The facets of search, by their query-parameter names.
const (
	FacetPublisher    = "publisher"
	FacetDataset      = "dataset"
	FacetDatatype     = "datatype"
	FacetTheme        = "theme"
	FacetAccessRights = "access_rights"
	FacetLanguage     = "language"
	FacetDecade       = "decade"        // decades of temporal coverage: "1990" for 1990–1999
	FacetCodeList     = "has_code_list" // "true" or "false"
)

// FacetMissing is the facet value of records that have no value for the
// facet: selecting it finds them.
const FacetMissing = "_missing"

// FacetNames returns the names of the search facets in display order.
func FacetNames() []string {
	return []string{FacetPublisher, FacetDataset, FacetDatatype, FacetTheme, FacetAccessRights, FacetLanguage, FacetDecade, FacetCodeList}
}

// Index is the search index over datasets and variables. It holds nothing
// that is not in the Store. Implementations are safe for concurrent use.
type Index interface {
	// Index adds or replaces documents.
	Index(ctx context.Context, docs []Document) error
	// Delete removes the documents of a source's records with the given
	// IRIs. Another source's record with the same IRI stays.
	Delete(ctx context.Context, source string, iris []string) error
	// Search runs a query.
	Search(ctx context.Context, req *SearchRequest) (*SearchResult, error)
	// Suggest returns up to n titles and names that start with prefix, the
	// most common first.
	Suggest(ctx context.Context, prefix string, n int) ([]Suggestion, error)
	// Similar returns up to n variables of other datasets that measure what
	// the variable of d measures, each with the reasons it was chosen.
	Similar(ctx context.Context, d Document, n int) ([]SimilarHit, error)
	// Count returns the number of documents in the index.
	Count() (uint64, error)
	Close() error
}

// Document is what the index needs to index one record: a dataset with the
// documents of its variables (Members), or a variable with its dataset and
// code list (CodeList may be nil).
type Document struct {
	Dataset  *Dataset
	Variable *Variable
	CodeList *CodeList
	// Members are, on a dataset's document, the documents of its live
	// variables: the index keeps what is worth keeping once per dataset
	// rather than once per variable (the words that spelling corrections
	// propose, the titles and names that suggestions complete) with the
	// dataset. A variable's document has none.
	Members []Document
}

// IRI returns the IRI of the record the document indexes.
func (d Document) IRI() string {
	if d.Variable != nil {
		return d.Variable.IRI
	}
	return d.Dataset.IRI
}

// MaxSearchWindow is how deep paging goes: page × size may not pass it.
const MaxSearchWindow = 10000

// SearchRequest is one search. Filters maps a facet name to the values
// selected: values of one facet are OR-ed, facets are AND-ed.
type SearchRequest struct {
	Query   string
	Type    RecordKind // KindVariable, KindDataset, or "" for both
	Filters map[string][]string
	Page    int // from 1
	Size    int // 1..100
	Sort    string
	Lang    string // the reader's language, for titles and highlights
	// After is a cursor from an earlier result's Next: the page after it,
	// without the cost of an offset. Page is then ignored.
	After string
	// Lenient makes a query the parser cannot read search for its words
	// instead of failing, with the parser's message in QueryError.
	Lenient bool
}

// The sort orders of search.
const (
	SortRelevance = "relevance"
	SortTitle     = "title"
	SortModified  = "modified"
)

// SearchResult is one page of hits with the facet counts of all matches.
type SearchResult struct {
	Total  uint64
	Took   time.Duration
	Hits   []SearchHit
	Facets map[string][]FacetCount
	// Next is the cursor of the next page, "" on the last one.
	Next string
	// Relaxed says that no record had every word of the query, so the
	// hits have some of them.
	Relaxed bool
	// QueryError is why a lenient request's query was read as plain words.
	QueryError string
	// Correction is the query with its misspelt words (words the index
	// does not have, near words it has) spelt as the index knows them, ""
	// if there is none. It is given only when it finds records with the
	// request's type and filters.
	Correction string
}

// SearchHit is one matching record, with what a result list shows.
type SearchHit struct {
	Type        RecordKind
	Identifier  string
	IRI         string
	Name        string
	Title       Text
	Description Text
	Datatype    string
	Dataset     DatasetRef
	Publisher   AgentRef
	Score       float64
	Highlights  map[string][]string
	Temporal    []Period
	Source      string // the harvest source the record came from
}

// DatasetRef names a dataset in a search hit.
type DatasetRef struct {
	Identifier string `json:"identifier"`
	IRI        string `json:"iri"`
	Title      Text   `json:"title"`
}

// AgentRef names a publisher in a search hit.
type AgentRef struct {
	Name string `json:"name"`
	IRI  string `json:"iri"`
}

// FacetCount is one value of a facet and how many matches have it. Label is
// a display name where the value is a code.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
	Label Text   `json:"label,omitempty"`
}

// Suggestion is a completion of what a user has typed: a title or a
// variable name, the record it names (one of them, if Count > 1), and how
// many records have it.
type Suggestion struct {
	Text       string     `json:"text"`
	Type       RecordKind `json:"type"`
	Identifier string     `json:"identifier"`
	Count      int        `json:"count"`
}

// SimilarHit is a variable like another, with why.
type SimilarHit struct {
	SearchHit
	Reasons []Reason
}

// Reason says why a variable is similar to another. Kind is one of the
// Reason… constants; Words are the title words the two share, Value the
// shared name, subject or code list.
type Reason struct {
	Kind  string   `json:"kind"`
	Words []string `json:"words,omitempty"`
	Value string   `json:"value,omitempty"`
}

// Kinds of Reason.
const (
	ReasonSameName     = "same_name"
	ReasonSameTitle    = "same_title"
	ReasonSharedWords  = "shared_words"
	ReasonSameSubject  = "same_subject"
	ReasonSameCodeList = "same_code_list"
	ReasonSynonym      = "synonym"
)
