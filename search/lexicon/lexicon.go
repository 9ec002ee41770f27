//go:generate go run gen.go ../../fixtures/feeds

// Package lexicon holds the reviewed word lists search expands queries
// with: synonym groups across bokmål, nynorsk and English, nynorsk forms,
// ICD-10 and ATC codes with their names, and the word list that Norwegian
// compounds are split by. The lists are data files in this folder (see
// README.md for their sources and how to extend them), embedded in the binary.
package lexicon

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

//go:embed *.txt *.csv
var files embed.FS

// Lexicon is the parsed word lists.
type Lexicon struct {
	// Groups are sets of terms that mean the same; terms are lowercase and
	// may have several words. Groups from Learned on were learned from the
	// corpus, not reviewed.
	Groups  [][]string
	Learned int
	// Nynorsk maps a nynorsk word form to its bokmål form.
	Nynorsk map[string]string
	// Words are Norwegian words that compounds are split into.
	Words []string
	// Version changes whenever any list changes.
	Version string
}

// Files of the lexicon.
const (
	fileSynonyms = "synonyms.txt"
	fileNynorsk  = "nynorsk.txt"
	fileICD10    = "icd10.txt"
	fileATC      = "atc-fhi.csv"
	fileWords    = "words-nb.txt"
	fileLearned  = "learned-nb-en.txt"
)

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
	defaultErr  error
)

// Default returns the embedded lexicon.
func Default() (*Lexicon, error) {
	defaultOnce.Do(func() { defaultLex, defaultErr = Load(files) })
	return defaultLex, defaultErr
}

// Load reads the lexicon's files from fsys. A missing file is empty; a
// malformed line is an error that names the file and line.
func Load(fsys fs.FS) (*Lexicon, error) {
	l := &Lexicon{Nynorsk: map[string]string{}}
	h := sha256.New()
	read := func(name string, line func(n int, s string) error) error {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		h.Write([]byte(name))
		h.Write(data)
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			s := strings.TrimSpace(sc.Text())
			if s == "" || strings.HasPrefix(s, "#") {
				continue
			}
			if !utf8.ValidString(s) {
				return fmt.Errorf("lexicon %s line %d: not UTF-8", name, n)
			}
			if err := line(n, s); err != nil {
				return fmt.Errorf("lexicon %s line %d: %w", name, n, err)
			}
		}
		return sc.Err()
	}
	err := read(fileSynonyms, func(_ int, s string) error {
		var g []string
		for _, t := range strings.Split(s, ",") {
			if t = Normalize(t); t != "" {
				g = append(g, t)
			}
		}
		if len(g) < 2 {
			return fmt.Errorf("a synonym group needs at least two terms: %q", s)
		}
		l.Groups = append(l.Groups, g)
		return nil
	})
	if err == nil {
		err = read(fileNynorsk, func(_ int, s string) error {
			f := strings.Split(s, "\t")
			if len(f) != 2 || Normalize(f[0]) == "" || Normalize(f[1]) == "" {
				return fmt.Errorf("want nynorsk<TAB>bokmål, not %q", s)
			}
			l.Nynorsk[Normalize(f[0])] = Normalize(f[1])
			return nil
		})
	}
	if err == nil {
		err = read(fileICD10, func(_ int, s string) error {
			f := strings.Split(s, "\t")
			if len(f) != 3 {
				return fmt.Errorf("want CODE<TAB>norwegian<TAB>english, not %q", s)
			}
			code := Normalize(f[0])
			g := []string{code}
			if short := strings.ReplaceAll(code, ".", ""); short != code {
				g = append(g, short)
			}
			l.Groups = append(l.Groups, append(g, Normalize(f[1]), Normalize(f[2])))
			return nil
		})
	}
	if err == nil {
		err = read(fileATC, func(n int, s string) error {
			code, name, ok := strings.Cut(s, ";")
			if !ok {
				return fmt.Errorf("want CODE;name, not %q", s)
			}
			// The header, and the one- and three-character levels, whose
			// codes are also ICD-10 codes or single letters.
			if n == 1 || len(code) < 4 {
				return nil
			}
			l.Groups = append(l.Groups, []string{Normalize(code), Normalize(name)})
			return nil
		})
	}
	l.Learned = len(l.Groups)
	if err == nil {
		err = read(fileLearned, func(_ int, s string) error {
			nb, en, ok := strings.Cut(s, ",")
			if !ok || Normalize(nb) == "" || Normalize(en) == "" {
				return fmt.Errorf("want norwegian, english: %q", s)
			}
			l.Groups = append(l.Groups, []string{Normalize(nb), Normalize(en)})
			return nil
		})
	}
	if err == nil {
		err = read(fileWords, func(_ int, s string) error {
			l.Words = append(l.Words, Normalize(s))
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	sort.Strings(l.Words)
	l.Version = hex.EncodeToString(h.Sum(nil))[:12]
	return l, nil
}

// Normalize lowercases a term and collapses its white space.
func Normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}
