package search

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The facet columns of an index on disk are kept in a folder inside it,
// a file per segment named by the segment's id, so that a server that
// starts on an existing index reads them (a few tens of megabytes for a
// million records, well under a second) instead of building them from
// the doc values (seconds), during which its searches would take Bleve's
// collector. A segment never changes, and its id is not reused within an
// index; a rebuilt index is a new folder. A file that does not read back
// whole and consistent is built again.

// colFileMin is the fewest documents a segment has for its columns to be
// kept on disk: smaller ones build in a moment, and merging soon retires
// them.
var colFileMin uint64 = 50_000

// columnsDir is the folder of the column files inside an index's folder.
const columnsDir = "katalog-columns"

// colMagic starts a column file; the version is in it.
const colMagic = "katalog-columns/2\n"

// castagnoli is the CRC of a column file's end: the processor computes it.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func colPath(dir string, id uint64) string {
	return filepath.Join(dir, strconv.FormatUint(id, 16)+".cols")
}

// saveColumns writes the columns of segment id into dir, with the values
// they use, and renames the file into place once it is complete.
func (c *columns) saveColumns(dir string, id uint64, sc *segColumns) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The values the segment uses, in the file's own numbering.
	local := map[uint32]uint32{}
	var dict []uint32
	use := func(o uint32) uint32 {
		l, ok := local[o]
		if !ok {
			l = uint32(len(dict))
			local[o] = l
			dict = append(dict, o)
		}
		return l
	}
	rows := make([]uint32, len(sc.rows))
	for i, o := range sc.rows {
		rows[i] = use(o)
	}
	vals := make([]uint32, len(sc.vals))
	for i, o := range sc.vals {
		vals[i] = use(o)
	}
	values, fieldOf := c.dict()
	b := []byte(colMagic)
	b = binary.AppendUvarint(b, uint64(len(sc.sig)))
	b = binary.AppendUvarint(b, uint64(len(dict)))
	for _, o := range dict {
		b = append(b, fieldOf[o])
		b = binary.AppendUvarint(b, uint64(len(values[o])))
		b = append(b, values[o]...)
	}
	for _, part := range [][]uint32{rows, sc.starts, vals, sc.sig} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		for _, v := range part {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	for _, keys := range [][]sortKey{sc.title, sc.modified} {
		for _, k := range keys {
			b = binary.BigEndian.AppendUint64(b, k[0])
			b = binary.BigEndian.AppendUint64(b, k[1])
		}
	}
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	tmp, err := os.CreateTemp(dir, "*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), colPath(dir, id))
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// errColFile says a column file is not whole or not of this version.
var errColFile = errors.New("not a whole column file of this version")

// loadColumns reads the columns of segment id, of n documents, from dir;
// it returns nil and no error if there is no file.
func (c *columns) loadColumns(dir string, id, n uint64) (*segColumns, error) {
	b, err := os.ReadFile(colPath(dir, id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b) < len(colMagic)+4 || string(b[:len(colMagic)]) != colMagic ||
		crc32.Checksum(b[:len(b)-4], castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errColFile
	}
	r := colReader{b: b[len(colMagic) : len(b)-4]}
	docs := r.uvarint()
	if docs != n {
		return nil, fmt.Errorf("%w: %d documents, the segment has %d", errColFile, docs, n)
	}
	ords := make([]uint32, r.uvarint())
	for i := range ords {
		field := r.byte()
		value := r.bytes(r.uvarint())
		if r.err == nil {
			ords[i] = c.ordinal(field, value)
		}
	}
	var parts [4][]uint32
	for i := range parts {
		parts[i] = r.uint32s(r.uvarint())
	}
	sc := &segColumns{rows: parts[0], starts: parts[1], vals: parts[2], sig: parts[3],
		title: r.sortKeys(n), modified: r.sortKeys(n)}
	if r.err != nil || len(r.b) != 0 || uint64(len(sc.sig)) != n || len(sc.starts) == 0 ||
		len(sc.rows) != (len(sc.starts)-1)*rowWidth || int(sc.starts[len(sc.starts)-1]) != len(sc.vals) {
		return nil, errColFile
	}
	for _, part := range [][]uint32{sc.rows, sc.vals} {
		for i, l := range part {
			if int(l) >= len(ords) {
				return nil, errColFile
			}
			part[i] = ords[l]
		}
	}
	for i := 1; i < len(sc.starts); i++ {
		if sc.starts[i] < sc.starts[i-1] {
			return nil, errColFile
		}
	}
	for _, sg := range sc.sig {
		if int(sg) >= sc.signatures() {
			return nil, errColFile
		}
	}
	sc.countTotals()
	return sc, nil
}

// pruneColumnFiles removes the column files of segments not in live.
func pruneColumnFiles(dir string, live map[uint64]bool) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		name := de.Name()
		hex, ok := strings.CutSuffix(name, ".cols")
		if !ok {
			continue
		}
		if id, err := strconv.ParseUint(hex, 16, 64); err == nil && !live[id] {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// colReader reads a column file, remembering the first error.
type colReader struct {
	b   []byte
	err error
}

func (r *colReader) fail() {
	if r.err == nil {
		r.err = errColFile
	}
	r.b = nil
}

func (r *colReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *colReader) byte() uint8 {
	if len(r.b) < 1 {
		r.fail()
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *colReader) bytes(n uint64) []byte {
	if uint64(len(r.b)) < n {
		r.fail()
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *colReader) uint32s(n uint64) []uint32 {
	if n > uint64(len(r.b))/4 {
		r.fail()
		return nil
	}
	raw := r.bytes(n * 4)
	if raw == nil && n > 0 {
		return nil
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	return out
}

func (r *colReader) sortKeys(n uint64) []sortKey {
	if n > uint64(len(r.b))/16 {
		r.fail()
		return nil
	}
	raw := r.bytes(n * 16)
	if raw == nil && n > 0 {
		return nil
	}
	out := make([]sortKey, n)
	for i := range out {
		out[i] = sortKey{binary.BigEndian.Uint64(raw[16*i:]), binary.BigEndian.Uint64(raw[16*i+8:])}
	}
	return out
}
