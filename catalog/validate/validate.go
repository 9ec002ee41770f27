// Package validate checks harvested metadata against the national metadata
// specification and the standards it builds on. A profile is a set of JSON
// Schemas (embedded in profiles/) that are run over a normalised JSON form of
// each catalogue, dataset, distribution, agent, contact point, table and
// variable of a feed, plus rules in Go for what JSON Schema cannot say.
//
// Findings are data, not errors: Validate returns them with a quality score
// per dataset and never fails. A Validator is safe for concurrent use.
package validate

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/katalog/katalog/catalog"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed profiles/*.json
var profileFiles embed.FS

// profileBase is the base URL of the embedded schemas; it is never fetched.
const profileBase = "https://katalog.invalid/profiles/"

// Profiles returns the names of the profiles, the default first.
func Profiles() []string { return []string{"dcat-ap-no", "healthdcat-ap", "national"} }

// Validator checks feeds against one profile.
type Validator struct {
	profile string
	schemas map[string]*jsonschema.Schema // "Dataset.mandatory", "Dataset.NON_PUBLIC.recommended", …
	levels  bool                          // datasets are checked per access level
	vocab   []vocabularyRule
	noMemo  bool // for tests: run every schema afresh
}

// New returns a validator for a profile.
func New(profile string) (*Validator, error) {
	known := false
	for _, p := range Profiles() {
		known = known || p == profile
	}
	if !known {
		return nil, catalog.Errorf(catalog.EINVALID, "unknown profile %q; the profiles are %s", profile, strings.Join(Profiles(), ", "))
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	files, err := fs.Glob(profileFiles, "profiles/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		data, err := profileFiles.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(profileBase+path.Base(f), strings.NewReader(string(data))); err != nil {
			return nil, fmt.Errorf("profile %s: %w", f, err)
		}
	}
	data, err := profileFiles.ReadFile("profiles/" + profile + ".json")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("profile %s: %w", profile, err)
	}
	v := &Validator{profile: profile, schemas: map[string]*jsonschema.Schema{}, vocab: vocabularyRules(profile)}
	for name := range doc.Defs {
		s, err := c.Compile(profileBase + profile + ".json#/$defs/" + name)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %s: %w", profile, name, err)
		}
		if !constrains(s) {
			continue // an empty schema: nothing to check
		}
		v.schemas[name] = s
		if strings.Count(name, ".") == 2 {
			v.levels = true
		}
	}
	return v, nil
}

// Profile returns the name of the validator's profile.
func (v *Validator) Profile() string { return v.profile }

// Report is what validating a feed found.
type Report = catalog.ValidationReport

// schema returns the schema for a class and level ("mandatory" or
// "recommended"); datasets may have one per access level.
func (v *Validator) schema(class, access, level string) *jsonschema.Schema {
	if access != "" {
		if s, ok := v.schemas[class+"."+access+"."+level]; ok {
			return s
		}
	}
	return v.schemas[class+"."+level]
}

// constrains reports whether a schema checks anything.
func constrains(s *jsonschema.Schema) bool {
	return s != nil && (len(s.Required) > 0 || len(s.Properties) > 0 || s.Ref != nil || len(s.AllOf) > 0 ||
		len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil)
}

// required returns the properties a schema requires, following $ref and
// allOf.
func required(s *jsonschema.Schema) []string {
	if s == nil {
		return nil
	}
	out := append([]string(nil), s.Required...)
	out = append(out, required(s.Ref)...)
	for _, sub := range s.AllOf {
		out = append(out, required(sub)...)
	}
	sort.Strings(out)
	return out
}
