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
)

// FacetNames returns the names of the search facets in display order.
func FacetNames() []string {
	return []string{FacetPublisher, FacetDataset, FacetDatatype, FacetTheme, FacetAccessRights, FacetLanguage}
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
	// Count returns the number of documents in the index.
	Count() (uint64, error)
	Close() error
}

// Document is what the index needs to index one record: a dataset alone, or
// a variable with its dataset and code list (CodeList may be nil).
type Document struct {
	Dataset  *Dataset
	Variable *Variable
	CodeList *CodeList
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
