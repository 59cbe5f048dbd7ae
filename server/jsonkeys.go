package server

import (
	"hash/maphash"
	"unicode"
	"unicode/utf8"
)

// This file is the validator's duplicate-key check. Each open object has a
// frame; its keys, case-folded, are appended to one shared buffer, and
// closing the object truncates the buffer back, so that a document costs
// no more key memory than its deepest path of open objects.

// smallObjectKeys is how many keys an object may hold before duplicate
// detection switches from a linear scan of its folded keys to a hash map:
// the scan is faster for the few keys real requests have, the map keeps a
// hostile object of 100 000 keys from costing n² compares.
const smallObjectKeys = 16

type keySpan struct{ start, end int }

type objectFrame struct {
	firstSpan int
	// large is set once an object holds more than smallObjectKeys keys;
	// keys then indexes its spans by a seeded hash of the folded key. The
	// map stays with the frame's slot for reuse by later objects.
	large bool
	keys  map[uint64]int
}

// keySeed seeds the key hashes; it is random per process, so that no one
// can choose keys that collide.
var keySeed = maphash.MakeSeed()

// pushFrame opens an object's frame, reusing the slot (and its map) of
// an earlier object at the same depth.
func (v *jsonValidator) pushFrame() {
	if len(v.frames) < cap(v.frames) {
		v.frames = v.frames[:len(v.frames)+1]
		f := &v.frames[len(v.frames)-1]
		f.firstSpan, f.large = len(v.spans), false
		return
	}
	v.frames = append(v.frames, objectFrame{firstSpan: len(v.spans)})
}

func (v *jsonValidator) closeObject() {
	f := v.frames[len(v.frames)-1]
	v.frames = v.frames[:len(v.frames)-1]
	if f.firstSpan < len(v.spans) {
		v.folded = v.folded[:v.spans[f.firstSpan].start]
	}
	v.spans = v.spans[:f.firstSpan]
	v.depth--
}

// addKey records the folded key in the innermost open object and reports
// whether it is new there.
func (v *jsonValidator) addKey(key []byte) bool {
	f := &v.frames[len(v.frames)-1]
	start := len(v.folded)
	v.folded = appendFolded(v.folded, key)
	k := v.folded[start:]
	if f.large {
		h := maphash.Bytes(keySeed, k)
		if i, seen := f.keys[h]; seen && (v.spanEquals(i, k) || v.seenKey(f, k)) {
			// Equal, or a hash collision that a scan must settle.
			return false
		}
		v.spans = append(v.spans, keySpan{start, len(v.folded)})
		f.keys[h] = len(v.spans) - 1
		return true
	}
	if v.seenKey(f, k) {
		return false
	}
	v.spans = append(v.spans, keySpan{start, len(v.folded)})
	if len(v.spans)-f.firstSpan > smallObjectKeys {
		f.large = true
		if f.keys == nil {
			f.keys = make(map[uint64]int, 4*smallObjectKeys)
		} else {
			clear(f.keys)
		}
		for i := f.firstSpan; i < len(v.spans); i++ {
			s := v.spans[i]
			f.keys[maphash.Bytes(keySeed, v.folded[s.start:s.end])] = i
		}
	}
	return true
}

// seenKey scans the keys of frame f for k.
func (v *jsonValidator) seenKey(f *objectFrame, k []byte) bool {
	for i := f.firstSpan; i < len(v.spans); i++ {
		if v.spanEquals(i, k) {
			return true
		}
	}
	return false
}

func (v *jsonValidator) spanEquals(i int, k []byte) bool {
	s := v.spans[i]
	return string(v.folded[s.start:s.end]) == string(k)
}

// appendFolded appends key with every rune replaced by the smallest rune of
// its simple case-folding orbit, so that two keys fold alike exactly when
// strings.EqualFold says they are equal ("K", "k" and the Kelvin sign all
// fold to "K"). For ASCII letters that is the upper-case letter.
func appendFolded(dst, key []byte) []byte {
	for i := 0; i < len(key); {
		c := key[i]
		if c < utf8.RuneSelf {
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(key[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += size
	}
	return dst
}

func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < least {
			least = f
		}
	}
	return least
}
