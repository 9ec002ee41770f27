package bolt

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/katalog/katalog/catalog"
)

func dsIRI(prefix string, i int) string {
	return fmt.Sprintf("https://example.org/%s/dataset/%d", prefix, i)
}

func varIRI(prefix string, i, j int) string {
	return fmt.Sprintf("%s/variable/%d", dsIRI(prefix, i), j)
}

func sexCodes(prefix string) string { return "https://example.org/" + prefix + "/codes/sex" }

// newSnapshot returns a harvest of nDS datasets with nVars variables each,
// with content hashes computed the way the harvester computes them. Every
// third variable uses the code list of sexes.
func newSnapshot(prefix string, nDS, nVars int) *catalog.Snapshot {
	id := strings.ToUpper(prefix)
	snap := &catalog.Snapshot{
		Catalogs: []catalog.Catalog{{IRI: "https://example.org/" + prefix + "/catalog", Title: catalog.Text{"nb": "Katalog " + id}}},
		CodeLists: []catalog.CodeList{{
			IRI:   sexCodes(prefix),
			Title: catalog.Text{"nb": "Kjønn"},
			Codes: []catalog.Code{
				{Notation: "1", Label: catalog.Text{"nb": "Mann", "en": "Male"}},
				{Notation: "2", Label: catalog.Text{"nb": "Kvinne", "en": "Female"}},
			},
		}},
	}
	for i := range nDS {
		snap.Catalogs[0].Datasets = append(snap.Catalogs[0].Datasets, dsIRI(prefix, i))
		snap.Datasets = append(snap.Datasets, catalog.Dataset{
			IRI:           dsIRI(prefix, i),
			Identifier:    fmt.Sprintf("%s-DS%d", id, i),
			Catalog:       snap.Catalogs[0].IRI,
			Title:         catalog.Text{"nb": fmt.Sprintf("Datasett %d", i), "en": fmt.Sprintf("Dataset %d", i)},
			Publisher:     &catalog.Agent{Name: catalog.Text{"nb": "Folkehelseinstituttet"}},
			Themes:        []catalog.Concept{{IRI: "http://publications.europa.eu/resource/authority/data-theme/HEAL"}},
			VariableCount: nVars,
		})
		for j := range nVars {
			v := catalog.Variable{
				IRI:        varIRI(prefix, i, j),
				Identifier: fmt.Sprintf("%s-DS%d:V%d", id, i, j),
				Name:       fmt.Sprintf("V%d", j),
				Dataset:    dsIRI(prefix, i),
				Position:   j,
				Title:      catalog.Text{"nb": fmt.Sprintf("Variabel %d", j)},
				Datatype:   "integer",
			}
			if j%3 == 0 {
				v.CodeList = sexCodes(prefix)
			}
			snap.Variables = append(snap.Variables, v)
		}
	}
	return rehash(snap)
}

// rehash computes the content hashes of a snapshot, as the harvester does.
func rehash(snap *catalog.Snapshot) *catalog.Snapshot {
	lists := map[string]*catalog.CodeList{}
	for i := range snap.CodeLists {
		lists[snap.CodeLists[i].IRI] = &snap.CodeLists[i]
	}
	for i := range snap.Datasets {
		snap.Datasets[i].Hash = snap.Datasets[i].ContentHash()
	}
	for i := range snap.Variables {
		snap.Variables[i].Hash = snap.Variables[i].ContentHash(lists[snap.Variables[i].CodeList])
	}
	return snap
}

// without returns snap without the datasets of the given IRIs and their
// variables.
func without(snap *catalog.Snapshot, datasets ...string) *catalog.Snapshot {
	snap.Datasets = slices.DeleteFunc(snap.Datasets, func(d catalog.Dataset) bool { return slices.Contains(datasets, d.IRI) })
	snap.Variables = slices.DeleteFunc(snap.Variables, func(v catalog.Variable) bool { return slices.Contains(datasets, v.Dataset) })
	return snap
}

func variable(snap *catalog.Snapshot, iri string) *catalog.Variable {
	for i := range snap.Variables {
		if snap.Variables[i].IRI == iri {
			return &snap.Variables[i]
		}
	}
	panic("no variable " + iri)
}

func names(vars []catalog.Variable) string {
	var out []string
	for _, v := range vars {
		out = append(out, v.Name)
	}
	return strings.Join(out, " ")
}

// refs returns "kind identifier" for each ref, sorted.
func refs(rs []catalog.Ref) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, string(r.Kind)+" "+r.Identifier)
	}
	sort.Strings(out)
	return out
}

func apply(t *testing.T, s *DB, source string, snap *catalog.Snapshot, opts catalog.ApplyOptions) *catalog.Changes {
	t.Helper()
	ch, err := s.ApplySnapshot(context.Background(), source, snap, opts)
	if err != nil {
		t.Fatalf("ApplySnapshot(%s) = %v", source, err)
	}
	return ch
}

func findDataset(t *testing.T, s *DB, id string) *catalog.Dataset {
	t.Helper()
	d, err := s.FindDatasetByID(context.Background(), id)
	if err != nil {
		t.Fatalf("FindDatasetByID(%q) = %v", id, err)
	}
	return d
}

func findVariable(t *testing.T, s *DB, id string) *catalog.Variable {
	t.Helper()
	v, err := s.FindVariableByID(context.Background(), id)
	if err != nil {
		t.Fatalf("FindVariableByID(%q) = %v", id, err)
	}
	return v
}

func TestApplySnapshotFirstThenUnchanged(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ch := apply(t, s, "mfr", newSnapshot("mfr", 3, 4), catalog.ApplyOptions{Now: t1})
	var want []string
	for i := range 3 {
		want = append(want, fmt.Sprintf("dataset MFR-DS%d", i))
		for j := range 4 {
			want = append(want, fmt.Sprintf("variable MFR-DS%d:V%d", i, j))
		}
	}
	sort.Strings(want)
	if got := refs(ch.Added); !reflect.DeepEqual(got, want) {
		t.Errorf("first ApplySnapshot Added = %v; want %v", got, want)
	}
	if len(ch.Updated) != 0 || len(ch.Removed) != 0 || ch.Unchanged != 0 || ch.Held || len(ch.Conflicts) != 0 {
		t.Errorf("first ApplySnapshot = %+v; want only additions", ch)
	}
	for _, r := range ch.Added {
		if r.IRI == "" || (r.Kind == catalog.KindVariable) != (r.Dataset != "") {
			t.Errorf("first ApplySnapshot Added ref %+v; want an IRI, and a dataset for variables only", r)
		}
	}

	d := findDataset(t, s, "MFR-DS1")
	wantDS := newSnapshot("mfr", 3, 4).Datasets[1]
	wantDS.Source, wantDS.FirstSeen, wantDS.LastChanged = "mfr", t1, t1
	if !reflect.DeepEqual(*d, wantDS) {
		t.Errorf("FindDatasetByID(MFR-DS1) = %+v; want %+v", *d, wantDS)
	}
	v := findVariable(t, s, "MFR-DS2:V3")
	wantVar := newSnapshot("mfr", 3, 4).Variables[2*4+3]
	wantVar.Source, wantVar.FirstSeen, wantVar.LastChanged = "mfr", t1, t1
	if !reflect.DeepEqual(*v, wantVar) {
		t.Errorf("FindVariableByID(MFR-DS2:V3) = %+v; want %+v", *v, wantVar)
	}
	if d, err := s.FindDatasetByIRI(ctx, "mfr", dsIRI("mfr", 1)); err != nil || d.Identifier != "MFR-DS1" {
		t.Errorf("FindDatasetByIRI(mfr, ds 1) = %+v, %v; want MFR-DS1", d, err)
	}

	before := dump(t, s)
	ch = apply(t, s, "mfr", newSnapshot("mfr", 3, 4), catalog.ApplyOptions{Now: t2})
	if len(ch.Added)+len(ch.Updated)+len(ch.Removed)+len(ch.Reordered)+len(ch.Conflicts) != 0 || ch.Unchanged != 15 || ch.Held {
		t.Errorf("ApplySnapshot(same) = %+v; want 15 unchanged and nothing else", ch)
	}
	if diff := diffDumps(before, dump(t, s)); diff != "" {
		t.Errorf("ApplySnapshot(same) wrote to the store:\n%s", diff)
	}
	if d := findDataset(t, s, "MFR-DS1"); !d.FirstSeen.Equal(t1) || !d.LastChanged.Equal(t1) {
		t.Errorf("after ApplySnapshot(same) MFR-DS1 first seen %v, last changed %v; want both %v", d.FirstSeen, d.LastChanged, t1)
	}
}

// TestApplySnapshotComputesHash checks that records without a content hash
// get one, so that re-applying them is a no-op.
func TestApplySnapshotComputesHash(t *testing.T) {
	unhashed := func(title string) *catalog.Snapshot {
		snap := newSnapshot("mfr", 1, 2)
		for i := range snap.Datasets {
			snap.Datasets[i].Hash = ""
		}
		for i := range snap.Variables {
			snap.Variables[i].Hash = ""
		}
		snap.Variables[1].Title = catalog.Text{"nb": title}
		return snap
	}
	s := openTest(t)
	apply(t, s, "mfr", unhashed("Alder"), catalog.ApplyOptions{Now: t1})
	if v := findVariable(t, s, "MFR-DS0:V1"); v.Hash == "" {
		t.Errorf("stored variable has no hash")
	}
	if ch := apply(t, s, "mfr", unhashed("Alder"), catalog.ApplyOptions{Now: t2}); ch.Unchanged != 3 || len(ch.Updated) != 0 {
		t.Errorf("ApplySnapshot(same, unhashed) = %+v; want 3 unchanged", ch)
	}
	ch := apply(t, s, "mfr", unhashed("Alder i år"), catalog.ApplyOptions{Now: t2})
	if got := refs(ch.Updated); !reflect.DeepEqual(got, []string{"variable MFR-DS0:V1"}) {
		t.Errorf("ApplySnapshot(changed title, unhashed) Updated = %v; want [variable MFR-DS0:V1]", got)
	}
}

func TestApplySnapshotUpdate(t *testing.T) {
	tests := []struct {
		name string
		edit func(snap *catalog.Snapshot)
		want []string // updated
	}{
		{"variable title", func(snap *catalog.Snapshot) {
			variable(snap, varIRI("mfr", 1, 2)).Title["en"] = "Variable 2"
		}, []string{"variable MFR-DS1:V2"}},
		{"variable datatype", func(snap *catalog.Snapshot) {
			variable(snap, varIRI("mfr", 0, 0)).Datatype = "string"
		}, []string{"variable MFR-DS0:V0"}},
		{"dataset description", func(snap *catalog.Snapshot) {
			snap.Datasets[2].Description = catalog.Text{"nb": "Ny beskrivelse"}
		}, []string{"dataset MFR-DS2"}},
		{"code list label", func(snap *catalog.Snapshot) {
			snap.CodeLists[0].Codes[1].Label["nb"] = "Kvinne/jente"
		}, []string{
			"variable MFR-DS0:V0", "variable MFR-DS0:V3",
			"variable MFR-DS1:V0", "variable MFR-DS1:V3",
			"variable MFR-DS2:V0", "variable MFR-DS2:V3",
		}},
		{"nothing", func(snap *catalog.Snapshot) {}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			apply(t, s, "mfr", newSnapshot("mfr", 3, 4), catalog.ApplyOptions{Now: t1})
			snap := newSnapshot("mfr", 3, 4)
			tt.edit(snap)
			ch := apply(t, s, "mfr", rehash(snap), catalog.ApplyOptions{Now: t2})
			if got := refs(ch.Updated); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ApplySnapshot(%s) Updated = %v; want %v", tt.name, got, tt.want)
			}
			if len(ch.Added) != 0 || len(ch.Removed) != 0 || ch.Unchanged != 15-len(tt.want) {
				t.Errorf("ApplySnapshot(%s) = %d added, %d removed, %d unchanged; want 0, 0, %d",
					tt.name, len(ch.Added), len(ch.Removed), ch.Unchanged, 15-len(tt.want))
			}
			for _, r := range ch.Updated {
				var firstSeen, lastChanged time.Time
				var hash, wantHash string
				if r.Kind == catalog.KindDataset {
					d := findDataset(t, s, r.Identifier)
					firstSeen, lastChanged, hash = d.FirstSeen, d.LastChanged, d.Hash
					i := slices.IndexFunc(snap.Datasets, func(sd catalog.Dataset) bool { return sd.IRI == d.IRI })
					wantHash = snap.Datasets[i].Hash
					if !reflect.DeepEqual(d.Description, snap.Datasets[i].Description) {
						t.Errorf("updated dataset %s description = %v; want %v", r.Identifier, d.Description, snap.Datasets[i].Description)
					}
				} else {
					v := findVariable(t, s, r.Identifier)
					firstSeen, lastChanged, hash = v.FirstSeen, v.LastChanged, v.Hash
					want := variable(snap, v.IRI)
					wantHash = want.Hash
					if !reflect.DeepEqual(v.Title, want.Title) || v.Datatype != want.Datatype {
						t.Errorf("updated variable %s = %+v; want the snapshot's %+v", r.Identifier, v, want)
					}
				}
				if hash != wantHash {
					t.Errorf("updated %s hash = %q; want the snapshot's %q", r.Identifier, hash, wantHash)
				}
				if !firstSeen.Equal(t1) || !lastChanged.Equal(t2) {
					t.Errorf("updated %s first seen %v, last changed %v; want %v, %v", r.Identifier, firstSeen, lastChanged, t1, t2)
				}
			}
			if v := findVariable(t, s, "MFR-DS1:V1"); !v.LastChanged.Equal(t1) {
				t.Errorf("unchanged MFR-DS1:V1 last changed %v; want %v", v.LastChanged, t1)
			}
		})
	}
}

func TestApplySnapshotRemoveAndReadd(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	apply(t, s, "mfr", newSnapshot("mfr", 3, 4), catalog.ApplyOptions{Now: t1})

	ch := apply(t, s, "mfr", without(newSnapshot("mfr", 3, 4), dsIRI("mfr", 2)), catalog.ApplyOptions{Now: t2})
	want := []string{"dataset MFR-DS2", "variable MFR-DS2:V0", "variable MFR-DS2:V1", "variable MFR-DS2:V2", "variable MFR-DS2:V3"}
	if got := refs(ch.Removed); !reflect.DeepEqual(got, want) {
		t.Errorf("ApplySnapshot(without DS2) Removed = %v; want %v", got, want)
	}
	if len(ch.Added) != 0 || len(ch.Updated) != 0 || ch.Unchanged != 10 {
		t.Errorf("ApplySnapshot(without DS2) = %+v; want 10 unchanged besides the removals", ch)
	}

	// Tombstones still resolve by identifier and IRI.
	d := findDataset(t, s, "MFR-DS2")
	if d.Withdrawn == nil || !d.Withdrawn.Equal(t2) || !d.FirstSeen.Equal(t1) {
		t.Errorf("FindDatasetByID(MFR-DS2) withdrawn %v, first seen %v; want %v, %v", d.Withdrawn, d.FirstSeen, t2, t1)
	}
	if d, err := s.FindDatasetByIRI(ctx, "mfr", dsIRI("mfr", 2)); err != nil || d.Withdrawn == nil {
		t.Errorf("FindDatasetByIRI(mfr, ds 2) = %+v, %v; want the tombstone", d, err)
	}
	if v := findVariable(t, s, "MFR-DS2:V3"); v.Withdrawn == nil || !v.Withdrawn.Equal(t2) {
		t.Errorf("FindVariableByID(MFR-DS2:V3) withdrawn %v; want %v", v.Withdrawn, t2)
	}
	if v := findVariable(t, s, "MFR-DS1:V3"); v.Withdrawn != nil {
		t.Errorf("FindVariableByID(MFR-DS1:V3) withdrawn %v; want live", v.Withdrawn)
	}

	// Lists leave tombstones out unless asked.
	dsTests := []struct {
		f         catalog.DatasetFilter
		wantTotal int
		wantN     int
	}{
		{catalog.DatasetFilter{Source: "mfr"}, 2, 2},
		{catalog.DatasetFilter{}, 2, 2},
		{catalog.DatasetFilter{Source: "mfr", Withdrawn: true}, 3, 3},
		{catalog.DatasetFilter{Source: "mfr", Withdrawn: true, Offset: 1, Size: 1}, 3, 1},
		{catalog.DatasetFilter{Source: "mfr", Offset: 5}, 2, 0},
		{catalog.DatasetFilter{Source: "hunt"}, 0, 0},
	}
	for _, tt := range dsTests {
		got, total, err := s.FindDatasets(ctx, tt.f)
		if err != nil || total != tt.wantTotal || len(got) != tt.wantN {
			t.Errorf("FindDatasets(%+v) = %d datasets, total %d, %v; want %d, total %d", tt.f, len(got), total, err, tt.wantN, tt.wantTotal)
		}
		for _, d := range got {
			if d.Withdrawn != nil && !tt.f.Withdrawn {
				t.Errorf("FindDatasets(%+v) returned tombstone %s", tt.f, d.Identifier)
			}
		}
	}
	varTests := []struct {
		f         catalog.VariableFilter
		wantTotal int
		wantNames string
	}{
		{catalog.VariableFilter{Source: "mfr", Size: 3}, 8, "V0 V1 V2"},
		{catalog.VariableFilter{}, 8, "V0 V1 V2 V3 V0 V1 V2 V3"},
		{catalog.VariableFilter{Source: "mfr", Withdrawn: true}, 12, "V0 V1 V2 V3 V0 V1 V2 V3 V0 V1 V2 V3"},
		{catalog.VariableFilter{Source: "mfr", Dataset: dsIRI("mfr", 2)}, 0, ""},
		{catalog.VariableFilter{Source: "mfr", Dataset: dsIRI("mfr", 2), Withdrawn: true}, 4, "V0 V1 V2 V3"},
	}
	for _, tt := range varTests {
		got, total, err := s.FindVariables(ctx, tt.f)
		if err != nil || total != tt.wantTotal || names(got) != tt.wantNames {
			t.Errorf("FindVariables(%+v) = %q, total %d, %v; want %q, total %d", tt.f, names(got), total, err, tt.wantNames, tt.wantTotal)
		}
	}

	// A tombstone is not withdrawn again.
	before := dump(t, s)
	ch = apply(t, s, "mfr", without(newSnapshot("mfr", 3, 4), dsIRI("mfr", 2)), catalog.ApplyOptions{Now: t3})
	if len(ch.Removed) != 0 || ch.Unchanged != 10 {
		t.Errorf("ApplySnapshot(without DS2 again) = %+v; want 10 unchanged, nothing removed", ch)
	}
	if diff := diffDumps(before, dump(t, s)); diff != "" {
		t.Errorf("ApplySnapshot(without DS2 again) wrote to the store:\n%s", diff)
	}

	// Coming back is an addition that keeps the first-seen time.
	ch = apply(t, s, "mfr", newSnapshot("mfr", 3, 4), catalog.ApplyOptions{Now: t4})
	if got := refs(ch.Added); !reflect.DeepEqual(got, want) {
		t.Errorf("ApplySnapshot(DS2 back) Added = %v; want %v", got, want)
	}
	if len(ch.Updated) != 0 || len(ch.Removed) != 0 || ch.Unchanged != 10 {
		t.Errorf("ApplySnapshot(DS2 back) = %+v; want 10 unchanged besides the additions", ch)
	}
	d = findDataset(t, s, "MFR-DS2")
	if d.Withdrawn != nil || !d.FirstSeen.Equal(t1) || !d.LastChanged.Equal(t4) {
		t.Errorf("re-added MFR-DS2 withdrawn %v, first seen %v, last changed %v; want nil, %v, %v", d.Withdrawn, d.FirstSeen, d.LastChanged, t1, t4)
	}
	if v := findVariable(t, s, "MFR-DS2:V1"); v.Withdrawn != nil || !v.FirstSeen.Equal(t1) || !v.LastChanged.Equal(t4) {
		t.Errorf("re-added MFR-DS2:V1 withdrawn %v, first seen %v, last changed %v; want nil, %v, %v", v.Withdrawn, v.FirstSeen, v.LastChanged, t1, t4)
	}
	if _, total, _ := s.FindVariables(ctx, catalog.VariableFilter{Source: "mfr"}); total != 12 {
		t.Errorf("FindVariables(mfr) after re-adding total = %d; want 12", total)
	}
}

func TestApplySnapshotRemoveVariable(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	apply(t, s, "mfr", newSnapshot("mfr", 2, 4), catalog.ApplyOptions{Now: t1})
	snap := newSnapshot("mfr", 2, 4)
	snap.Variables = slices.DeleteFunc(snap.Variables, func(v catalog.Variable) bool { return v.IRI == varIRI("mfr", 1, 1) })
	ch := apply(t, s, "mfr", snap, catalog.ApplyOptions{Now: t2})
	if got := refs(ch.Removed); !reflect.DeepEqual(got, []string{"variable MFR-DS1:V1"}) {
		t.Errorf("ApplySnapshot(without DS1:V1) Removed = %v; want [variable MFR-DS1:V1]", got)
	}
	if ch.Removed[0].Dataset != dsIRI("mfr", 1) {
		t.Errorf("Removed[0].Dataset = %q; want %q", ch.Removed[0].Dataset, dsIRI("mfr", 1))
	}
	vars, total, err := s.FindVariables(ctx, catalog.VariableFilter{Source: "mfr", Dataset: dsIRI("mfr", 1)})
	if err != nil || names(vars) != "V0 V2 V3" || total != 3 {
		t.Errorf("FindVariables(ds 1) = %q, total %d, %v; want \"V0 V2 V3\", 3", names(vars), total, err)
	}
}

// A variable that moves to another dataset is updated, and its change
// names the dataset it left (whose document lists it no more).
func TestApplySnapshotMoveVariable(t *testing.T) {
	s := openTest(t)
	apply(t, s, "mfr", newSnapshot("mfr", 2, 4), catalog.ApplyOptions{Now: t1})
	snap := newSnapshot("mfr", 2, 4)
	variable(snap, varIRI("mfr", 1, 1)).Dataset = dsIRI("mfr", 0)
	ch := apply(t, s, "mfr", rehash(snap), catalog.ApplyOptions{Now: t2})
	want := []catalog.Ref{{Kind: catalog.KindVariable, Identifier: "MFR-DS1:V1", IRI: varIRI("mfr", 1, 1), Dataset: dsIRI("mfr", 0), From: dsIRI("mfr", 1)}}
	if !reflect.DeepEqual(ch.Updated, want) {
		t.Errorf("ApplySnapshot(DS1:V1 moved to DS0) Updated = %+v; want %+v", ch.Updated, want)
	}
}

func TestApplySnapshotHeld(t *testing.T) {
	// The store holds 5 datasets of 4 variables each.
	keepDatasets := func(n int) func(*catalog.Snapshot) {
		return func(snap *catalog.Snapshot) {
			for i := n; i < 5; i++ {
				without(snap, dsIRI("mfr", i))
			}
		}
	}
	tests := []struct {
		name        string
		share       float64
		edit        func(*catalog.Snapshot)
		wantHeld    bool
		wantRemoved int
	}{
		{"80% of datasets", 0.5, func(snap *catalog.Snapshot) {
			keepDatasets(1)(snap)
			snap.Datasets[0].Title["nb"] = "Endret"
			rehash(snap)
		}, true, 4 + 16},
		{"75% of variables", 0.5, func(snap *catalog.Snapshot) {
			snap.Variables = slices.DeleteFunc(snap.Variables, func(v catalog.Variable) bool { return v.Name != "V0" })
		}, true, 15},
		{"everything", 0.5, func(snap *catalog.Snapshot) { *snap = catalog.Snapshot{} }, true, 25},
		{"20% of datasets", 0.5, keepDatasets(4), false, 1 + 4},
		{"exactly the share", 0.4, keepDatasets(3), false, 2 + 8},
		{"just over the share", 0.39, keepDatasets(3), true, 2 + 8},
		{"guard off", 0, func(snap *catalog.Snapshot) { *snap = catalog.Snapshot{} }, false, 25},
		{"nothing removed", 0.01, func(snap *catalog.Snapshot) {}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			apply(t, s, "mfr", newSnapshot("mfr", 5, 4), catalog.ApplyOptions{Now: t1})
			before := dump(t, s)
			snap := newSnapshot("mfr", 5, 4)
			tt.edit(snap)
			ch := apply(t, s, "mfr", snap, catalog.ApplyOptions{Now: t2, MaxRemoveShare: tt.share})
			if ch.Held != tt.wantHeld || (ch.HeldReason != "") != tt.wantHeld {
				t.Errorf("ApplySnapshot(%s, max %v) Held = %v, reason %q; want held %v", tt.name, tt.share, ch.Held, ch.HeldReason, tt.wantHeld)
			}
			if len(ch.Removed) != tt.wantRemoved {
				t.Errorf("ApplySnapshot(%s, max %v) Removed %d; want %d", tt.name, tt.share, len(ch.Removed), tt.wantRemoved)
			}
			diff := diffDumps(before, dump(t, s))
			if tt.wantHeld && diff != "" {
				t.Errorf("held ApplySnapshot(%s) wrote to the store:\n%s", tt.name, diff)
			}
			if !tt.wantHeld && tt.wantRemoved > 0 && diff == "" {
				t.Errorf("ApplySnapshot(%s) changed nothing in the store; want %d records withdrawn", tt.name, tt.wantRemoved)
			}
			if tt.wantHeld && !strings.Contains(ch.HeldReason, "%") {
				t.Errorf("HeldReason = %q; want it to say what share would go", ch.HeldReason)
			}
		})
	}
}

func TestFindVariablesOrder(t *testing.T) {
	ctx := context.Background()
	a, b := "https://example.org/ord/dataset/a", "https://example.org/ord/dataset/b"
	mk := func(order ...string) *catalog.Snapshot {
		snap := &catalog.Snapshot{Datasets: []catalog.Dataset{
			{IRI: a, Identifier: "A"}, {IRI: b, Identifier: "B"}, {IRI: "https://example.org/ord/dataset/empty", Identifier: "E"},
		}}
		for _, o := range order {
			ds, name, _ := strings.Cut(o, "/")
			iri := map[string]string{"a": a, "b": b}[ds]
			snap.Variables = append(snap.Variables, catalog.Variable{IRI: iri + "/" + name, Identifier: strings.ToUpper(o), Name: name, Dataset: iri})
		}
		return rehash(snap)
	}
	s := openTest(t)
	apply(t, s, "ord", mk("a/c", "b/x", "a/a", "a/d", "b/y", "a/b"), catalog.ApplyOptions{Now: t1})

	tests := []struct {
		f         catalog.VariableFilter
		wantNames string
		wantTotal int
	}{
		{catalog.VariableFilter{Source: "ord", Dataset: a}, "c a d b", 4},
		{catalog.VariableFilter{Source: "ord", Dataset: b}, "x y", 2},
		{catalog.VariableFilter{Source: "ord", Dataset: a, Size: 2}, "c a", 4},
		{catalog.VariableFilter{Source: "ord", Dataset: a, Offset: 2, Size: 2}, "d b", 4},
		{catalog.VariableFilter{Source: "ord", Dataset: a, Offset: 3, Size: 2}, "b", 4},
		{catalog.VariableFilter{Source: "ord", Dataset: a, Offset: 4, Size: 2}, "", 4},
		{catalog.VariableFilter{Source: "ord", Dataset: a, Offset: 1}, "a d b", 4},
		{catalog.VariableFilter{Source: "ord", Dataset: "https://example.org/ord/dataset/empty"}, "", 0},
		{catalog.VariableFilter{Source: "ord", Dataset: "https://example.org/nosuch"}, "", 0},
		{catalog.VariableFilter{Source: "nosuch", Dataset: a}, "", 0},
		{catalog.VariableFilter{Source: "ord", Offset: 4, Size: 1}, "x", 6}, // store order: by IRI
	}
	for _, tt := range tests {
		got, total, err := s.FindVariables(ctx, tt.f)
		if err != nil || names(got) != tt.wantNames || total != tt.wantTotal {
			t.Errorf("FindVariables(%+v) = %q, total %d, %v; want %q, total %d", tt.f, names(got), total, err, tt.wantNames, tt.wantTotal)
		}
	}
	_, _, err := s.FindVariables(ctx, catalog.VariableFilter{Dataset: a})
	wantCode(t, "FindVariables(dataset without source)", err, catalog.EINVALID)

	// A new order alone changes no record, only the order.
	ch := apply(t, s, "ord", mk("a/b", "b/x", "a/d", "a/a", "b/y", "a/c"), catalog.ApplyOptions{Now: t2})
	if !reflect.DeepEqual(ch.Reordered, []string{a}) || ch.Unchanged != 9 || len(ch.Updated) != 0 {
		t.Errorf("ApplySnapshot(reordered) Reordered = %v, %d unchanged, %d updated; want [%s], 9, 0", ch.Reordered, ch.Unchanged, len(ch.Updated), a)
	}
	got, _, _ := s.FindVariables(ctx, catalog.VariableFilter{Source: "ord", Dataset: a})
	if names(got) != "b d a c" {
		t.Errorf("FindVariables(a) after reordering = %q; want \"b d a c\"", names(got))
	}
	for i, v := range got {
		if v.Position != i {
			t.Errorf("after reordering, %s has Position %d; want %d", v.Name, v.Position, i)
		}
	}

	// A variable that moves to another dataset leaves the old one's list.
	ch = apply(t, s, "ord", mk("a/b", "b/x", "a/d", "a/a", "b/y"), catalog.ApplyOptions{Now: t3})
	if got, _, _ := s.FindVariables(ctx, catalog.VariableFilter{Source: "ord", Dataset: a}); names(got) != "b d a" {
		t.Errorf("FindVariables(a) after removing a/c = %q; want \"b d a\"", names(got))
	}
	if got, total, _ := s.FindVariables(ctx, catalog.VariableFilter{Source: "ord", Dataset: a, Withdrawn: true}); names(got) != "b d a" || total != 3 {
		t.Errorf("FindVariables(a, withdrawn) after removing a/c = %q (%d); want \"b d a\" (3)", names(got), total)
	}

	// A variable that moves from a dataset that is then withdrawn is no
	// longer listed under the withdrawn one.
	moved := mk("b/x", "b/y", "b/d")
	moved.Variables[2].IRI = a + "/d" // same record, now in dataset b
	moved.Variables[2].Dataset = b
	moved.Datasets = moved.Datasets[1:]
	apply(t, s, "ord", rehash(moved), catalog.ApplyOptions{Now: t3.Add(time.Hour)})
	if got, _, _ := s.FindVariables(ctx, catalog.VariableFilter{Source: "ord", Dataset: a, Withdrawn: true}); strings.Contains(names(got), "d") {
		t.Errorf("FindVariables(withdrawn a) = %q; want no d, which moved to b", names(got))
	}
	if got, _, _ := s.FindVariables(ctx, catalog.VariableFilter{Source: "ord", Dataset: b}); names(got) != "x y d" {
		t.Errorf("FindVariables(b) = %q; want \"x y d\"", names(got))
	}
}

func TestApplySnapshotConflicts(t *testing.T) {
	ctx := context.Background()
	mk := func(source, title string) *catalog.Snapshot {
		ds := "https://" + source + ".example.org/dataset"
		return rehash(&catalog.Snapshot{
			Datasets:  []catalog.Dataset{{IRI: ds, Identifier: "SHARED", Title: catalog.Text{"nb": title}}},
			Variables: []catalog.Variable{{IRI: ds + "/v", Identifier: "SHARED:V", Name: "V", Dataset: ds}},
		})
	}
	aDS, bDS := "https://a.example.org/dataset", "https://b.example.org/dataset"
	s := openTest(t)
	apply(t, s, "a", mk("a", "A"), catalog.ApplyOptions{Now: t1})
	ch := apply(t, s, "b", mk("b", "B"), catalog.ApplyOptions{Now: t1})

	wantConflicts := []catalog.Conflict{
		{Kind: catalog.KindDataset, Identifier: "SHARED", IRI: bDS, OwnerSource: "a", OwnerIRI: aDS},
		{Kind: catalog.KindVariable, Identifier: "SHARED:V", IRI: bDS + "/v", OwnerSource: "a", OwnerIRI: aDS + "/v"},
	}
	if !reflect.DeepEqual(ch.Conflicts, wantConflicts) {
		t.Errorf("ApplySnapshot(b) Conflicts = %+v; want %+v", ch.Conflicts, wantConflicts)
	}
	if got, want := refs(ch.Added), []string{"dataset " + bDS, "variable " + bDS + "/v"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ApplySnapshot(b) Added = %v; want %v (known by IRI)", got, want)
	}

	// The first source keeps the identifier; the second's records work by IRI.
	if d := findDataset(t, s, "SHARED"); d.Source != "a" || d.IRI != aDS {
		t.Errorf("FindDatasetByID(SHARED) = %s <%s>; want a <%s>", d.Source, d.IRI, aDS)
	}
	if v := findVariable(t, s, "SHARED:V"); v.Source != "a" {
		t.Errorf("FindVariableByID(SHARED:V) source = %s; want a", v.Source)
	}
	if d := findDataset(t, s, bDS); d.Source != "b" || d.Identifier != bDS || d.Title["nb"] != "B" {
		t.Errorf("FindDatasetByID(<%s>) = %+v; want b's dataset known by its IRI", bDS, d)
	}
	if v := findVariable(t, s, bDS+"/v"); v.Source != "b" || v.Identifier != bDS+"/v" {
		t.Errorf("FindVariableByID(<%s/v>) = %+v; want b's variable known by its IRI", bDS, v)
	}
	if d, err := s.FindDatasetByIRI(ctx, "b", bDS); err != nil || d.Source != "b" {
		t.Errorf("FindDatasetByIRI(b, <%s>) = %+v, %v; want b's dataset", bDS, d, err)
	}

	// Re-applying either source is a no-op.
	if ch := apply(t, s, "b", mk("b", "B"), catalog.ApplyOptions{Now: t2}); ch.Unchanged != 2 || len(ch.Updated) != 0 {
		t.Errorf("ApplySnapshot(b again) = %+v; want 2 unchanged", ch)
	}
	if ch := apply(t, s, "a", mk("a", "A"), catalog.ApplyOptions{Now: t2}); ch.Unchanged != 2 || len(ch.Conflicts) != 0 {
		t.Errorf("ApplySnapshot(a again) = %+v; want 2 unchanged, no conflicts", ch)
	}

	// Once the owner withdraws its record, the other source's next change
	// takes the identifier over.
	apply(t, s, "a", &catalog.Snapshot{}, catalog.ApplyOptions{Now: t3})
	ch = apply(t, s, "b", mk("b", "B2"), catalog.ApplyOptions{Now: t3})
	if len(ch.Conflicts) != 0 {
		t.Errorf("ApplySnapshot(b changed) Conflicts = %+v; want none once a withdrew", ch.Conflicts)
	}
	if d := findDataset(t, s, "SHARED"); d.Source != "b" || d.Identifier != "SHARED" || d.Title["nb"] != "B2" {
		t.Errorf("FindDatasetByID(SHARED) after a withdrew = %s %q %v; want b's", d.Source, d.Identifier, d.Title)
	}
}

func TestApplySnapshotIdentifierChange(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	apply(t, s, "mfr", newSnapshot("mfr", 2, 2), catalog.ApplyOptions{Now: t1})
	snap := newSnapshot("mfr", 2, 2)
	snap.Datasets[0].Identifier = "MFR-NEW"
	variable(snap, varIRI("mfr", 1, 1)).Identifier = "MFR-DS1:NEW"
	ch := apply(t, s, "mfr", rehash(snap), catalog.ApplyOptions{Now: t2})
	if got, want := refs(ch.Updated), []string{"dataset MFR-NEW", "variable MFR-DS1:NEW"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ApplySnapshot(new identifiers) Updated = %v; want %v", got, want)
	}

	for _, id := range []string{"MFR-DS0"} {
		_, err := s.FindDatasetByID(ctx, id)
		wantCode(t, "FindDatasetByID("+id+")", err, catalog.ENOTFOUND)
	}
	_, err := s.FindVariableByID(ctx, "MFR-DS1:V1")
	wantCode(t, "FindVariableByID(MFR-DS1:V1)", err, catalog.ENOTFOUND)
	if d := findDataset(t, s, "MFR-NEW"); d.IRI != dsIRI("mfr", 0) {
		t.Errorf("FindDatasetByID(MFR-NEW) = <%s>; want <%s>", d.IRI, dsIRI("mfr", 0))
	}
	if v := findVariable(t, s, "MFR-DS1:NEW"); v.IRI != varIRI("mfr", 1, 1) {
		t.Errorf("FindVariableByID(MFR-DS1:NEW) = <%s>; want <%s>", v.IRI, varIRI("mfr", 1, 1))
	}

	// The released identifier is free for another source.
	other := rehash(&catalog.Snapshot{Datasets: []catalog.Dataset{{IRI: "https://other.example.org/ds", Identifier: "MFR-DS0"}}})
	ch = apply(t, s, "other", other, catalog.ApplyOptions{Now: t2})
	if len(ch.Conflicts) != 0 {
		t.Errorf("ApplySnapshot(other, MFR-DS0) Conflicts = %+v; want none", ch.Conflicts)
	}
	if d := findDataset(t, s, "MFR-DS0"); d.Source != "other" {
		t.Errorf("FindDatasetByID(MFR-DS0) source = %q; want other", d.Source)
	}
}

func TestApplySnapshotNoIdentifier(t *testing.T) {
	s := openTest(t)
	iri := "https://example.org/anon/dataset"
	ch := apply(t, s, "anon", rehash(&catalog.Snapshot{Datasets: []catalog.Dataset{{IRI: iri}}}), catalog.ApplyOptions{Now: t1})
	if len(ch.Added) != 1 || ch.Added[0].Identifier != iri {
		t.Errorf("ApplySnapshot(no identifier) Added = %+v; want one known by its IRI", ch.Added)
	}
	if d := findDataset(t, s, iri); d.Identifier != iri {
		t.Errorf("FindDatasetByID(<%s>).Identifier = %q; want the IRI", iri, d.Identifier)
	}
}

func TestApplySnapshotCodeLists(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	age := catalog.CodeList{IRI: "https://example.org/mfr/codes/age", Codes: []catalog.Code{{Notation: "1", Label: catalog.Text{"nb": "Under 20"}}}}
	snap := newSnapshot("mfr", 1, 3)
	snap.CodeLists = append(snap.CodeLists, age)
	variable(snap, varIRI("mfr", 0, 1)).CodeList = age.IRI
	apply(t, s, "mfr", rehash(snap), catalog.ApplyOptions{Now: t1})
	if got, err := s.FindCodeList(ctx, "mfr", age.IRI); err != nil || !reflect.DeepEqual(*got, age) {
		t.Errorf("FindCodeList(mfr, age) = %+v, %v; want %+v", got, err, age)
	}

	snap = newSnapshot("mfr", 1, 3)
	snap.CodeLists[0].Codes = append(snap.CodeLists[0].Codes, catalog.Code{Notation: "9", Label: catalog.Text{"nb": "Ukjent"}})
	ch := apply(t, s, "mfr", rehash(snap), catalog.ApplyOptions{Now: t2})
	if got, want := refs(ch.Updated), []string{"variable MFR-DS0:V0", "variable MFR-DS0:V1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ApplySnapshot(code lists changed) Updated = %v; want %v", got, want)
	}
	got, err := s.FindCodeList(ctx, "mfr", sexCodes("mfr"))
	if err != nil || !reflect.DeepEqual(*got, snap.CodeLists[0]) {
		t.Errorf("FindCodeList(mfr, sex) = %+v, %v; want %+v", got, err, snap.CodeLists[0])
	}
	_, err = s.FindCodeList(ctx, "mfr", age.IRI)
	wantCode(t, "FindCodeList(mfr, age) after removal", err, catalog.ENOTFOUND)
	_, err = s.FindCodeList(ctx, "hunt", sexCodes("mfr"))
	wantCode(t, "FindCodeList(hunt, sex)", err, catalog.ENOTFOUND)
}

func TestApplySnapshotCatalogs(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	c := func(n, title string) catalog.Catalog {
		return catalog.Catalog{IRI: "https://example.org/catalog/" + n, Title: catalog.Text{"nb": title}}
	}
	apply(t, s, "mfr", &catalog.Snapshot{Catalogs: []catalog.Catalog{c("1", "En"), c("2", "To")}}, catalog.ApplyOptions{Now: t1})
	apply(t, s, "hunt", &catalog.Snapshot{Catalogs: []catalog.Catalog{c("9", "HUNT")}}, catalog.ApplyOptions{Now: t1})
	apply(t, s, "mfr", &catalog.Snapshot{Catalogs: []catalog.Catalog{c("3", "Tre"), c("2", "To (ny)")}}, catalog.ApplyOptions{Now: t2})

	want := []catalog.Catalog{c("2", "To (ny)"), c("3", "Tre")}
	for i := range want {
		want[i].Source = "mfr"
	}
	if got, err := s.FindCatalogs(ctx, "mfr"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("FindCatalogs(mfr) = %+v, %v; want %+v", got, err, want)
	}
	if got, err := s.FindCatalogs(ctx, ""); err != nil || len(got) != 3 {
		t.Errorf("FindCatalogs(\"\") = %+v, %v; want 3 catalogues", got, err)
	}
	if got, err := s.FindCatalogs(ctx, "nosuch"); err != nil || len(got) != 0 {
		t.Errorf("FindCatalogs(nosuch) = %+v, %v; want none", got, err)
	}
}

func TestApplySnapshotInvalid(t *testing.T) {
	s := openTest(t)
	_, err := s.ApplySnapshot(context.Background(), "", newSnapshot("mfr", 1, 1), catalog.ApplyOptions{})
	wantCode(t, `ApplySnapshot("")`, err, catalog.EINVALID)
}

func TestApplySnapshotDefaultNow(t *testing.T) {
	s := openTest(t)
	apply(t, s, "mfr", newSnapshot("mfr", 1, 0), catalog.ApplyOptions{})
	if d := findDataset(t, s, "MFR-DS0"); d.FirstSeen.IsZero() || d.FirstSeen.Location() != time.UTC {
		t.Errorf("FindDatasetByID(MFR-DS0).FirstSeen = %v; want now in UTC", d.FirstSeen)
	}
}

// TestConcurrentUse reads while snapshots are applied; run with -race.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	apply(t, s, "mfr", newSnapshot("mfr", 2, 5), catalog.ApplyOptions{Now: t1})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	wg.Go(func() {
		for i := range 20 {
			snap := newSnapshot("mfr", 2, 5)
			snap.Variables[0].Title["nb"] = fmt.Sprintf("Tittel %d", i)
			if _, err := s.ApplySnapshot(ctx, "mfr", rehash(snap), catalog.ApplyOptions{Now: t1}); err != nil {
				errs <- err
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for range 20 {
				vars, total, err := s.FindVariables(ctx, catalog.VariableFilter{Source: "mfr", Dataset: dsIRI("mfr", 0)})
				if err == nil && (total != 5 || len(vars) != 5) {
					err = fmt.Errorf("FindVariables(ds 0) = %d of %d; want 5 of 5", len(vars), total)
				}
				if err == nil {
					_, err = s.FindVariableByID(ctx, "MFR-DS0:V0")
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

}

// TestRevision checks that every snapshot that changes anything an export
// reads moves the store's revision on, in the same transaction, and that
// one that changes nothing does not.
func TestRevision(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		edit        func(*catalog.Snapshot)
		share       float64
		wantWritten bool
	}{
		{"the same snapshot", func(*catalog.Snapshot) {}, 0, false},
		{"a dataset removed", func(snap *catalog.Snapshot) { without(snap, dsIRI("mfr", 2)) }, 0, true},
		{"a variable's title", func(snap *catalog.Snapshot) {
			variable(snap, varIRI("mfr", 1, 1)).Title["nb"] = "Endret"
			rehash(snap)
		}, 0, true},
		{"the catalogue's title only", func(snap *catalog.Snapshot) { snap.Catalogs[0].Title["nb"] = "Ny tittel" }, 0, true},
		{"a code list's label only", func(snap *catalog.Snapshot) { snap.CodeLists[0].Title["nb"] = "Kjønn (ny)" }, 0, true},
		{"variables in another order", func(snap *catalog.Snapshot) {
			snap.Variables[0], snap.Variables[1] = snap.Variables[1], snap.Variables[0]
		}, 0, true},
		{"held by the guard", func(snap *catalog.Snapshot) { *snap = catalog.Snapshot{} }, 0.5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			if rev, err := s.Revision(ctx); err != nil || rev != 0 {
				t.Fatalf("Revision of a new store = %d, %v; want 0", rev, err)
			}
			if ch := apply(t, s, "mfr", newSnapshot("mfr", 3, 4), catalog.ApplyOptions{Now: t1}); !ch.Written {
				t.Errorf("first ApplySnapshot: Written = false; want true")
			}
			before, err := s.Revision(ctx)
			if err != nil || before != 1 {
				t.Fatalf("Revision after the first snapshot = %d, %v; want 1", before, err)
			}
			snap := newSnapshot("mfr", 3, 4)
			tt.edit(snap)
			ch := apply(t, s, "mfr", snap, catalog.ApplyOptions{Now: t2, MaxRemoveShare: tt.share})
			if ch.Written != tt.wantWritten {
				t.Errorf("ApplySnapshot(%s): Written = %v; want %v", tt.name, ch.Written, tt.wantWritten)
			}
			want := before
			if tt.wantWritten {
				want++
			}
			if rev, err := s.Revision(ctx); err != nil || rev != want {
				t.Errorf("Revision after ApplySnapshot(%s) = %d, %v; want %d", tt.name, rev, err, want)
			}
		})
	}
}
