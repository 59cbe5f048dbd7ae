package recordcodec

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/store"
)

var t0 = time.Date(2031, time.March, 14, 15, 9, 26, 535897932, time.UTC)

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		rec  store.Record
	}{
		{"Running", store.Record{CallID: "c", Digest: "ab12", State: store.Running, Owner: "i-1", OwnerBoot: "b-1",
			CreatedAt: t0, LeaseUntil: t0.Add(time.Minute), ExpiresAt: t0.Add(time.Hour)}},
		{"Done", store.Record{CallID: "c", Digest: "ab12", State: store.Done, Response: []byte(`{"success":true}`),
			ExpiresAt: t0.Add(time.Hour)}},
		{"ZeroTimesAndEmptyStrings", store.Record{CallID: "c", State: store.Running}},
		{"BeforeTheEpoch", store.Record{CallID: "c", State: store.Running, CreatedAt: time.Date(1901, 1, 1, 0, 0, 0, 1, time.UTC)}},
		{"LongStrings", store.Record{CallID: "c", State: store.Done, Digest: string(bytes.Repeat([]byte("d"), 300)),
			Owner: "\x00\xff", Response: bytes.Repeat([]byte{0}, 64<<10)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := Encode(tc.rec)
			got, err := Decode(tc.rec.CallID, b)
			if err != nil {
				t.Fatalf("Decode(Encode(rec)): %v", err)
			}
			if diff := cmp.Diff(tc.rec, got); diff != "" {
				t.Fatalf("round trip (-want +got):\n%s", diff)
			}
			if b[VersionOffset] != Version || b[StateOffset] != byte(tc.rec.State) {
				t.Fatalf("header = % x, want version %d state %d", b[:2], Version, tc.rec.State)
			}
		})
	}
}

// TestCompleteByAppending checks the property the Redis Complete script
// relies on: a Running record plus a response, with the state byte set to
// Done, is the encoding of the Done record.
func TestCompleteByAppending(t *testing.T) {
	running := store.Record{CallID: "c", Digest: "ab", State: store.Running, Owner: "o", ExpiresAt: t0}
	b := Encode(running)
	b[StateOffset] = byte(store.Done)
	b = append(b, `{"x":1}`...)
	doneRec := running
	doneRec.State = store.Done
	doneRec.Response = []byte(`{"x":1}`)
	if want := Encode(doneRec); !bytes.Equal(b, want) {
		t.Fatalf("appended encoding\n% x\nwant\n% x", b, want)
	}
}

func TestDecodeErrors(t *testing.T) {
	valid := Encode(store.Record{State: store.Running, Digest: "ab", ExpiresAt: t0})
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"Empty", nil},
		{"OneByte", []byte{Version}},
		{"UnknownVersion", append([]byte{2}, valid[1:]...)},
		{"VersionZero", append([]byte{0}, valid[1:]...)},
		{"UnknownState", append([]byte{Version, 3}, valid[2:]...)},
		{"StateZero", append([]byte{Version, 0}, valid[2:]...)},
		{"LengthOverruns", []byte{Version, 1, 0x7f, 'a'}},
		{"BadVarint", []byte{Version, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"NonMinimalVarint", append([]byte{Version, 1, 0x82, 0x00}, valid[3:]...)},
		{"TruncatedTime", valid[:len(valid)-1]},
		{"RunningWithResponse", append(bytes.Clone(valid), '{', '}')},
		{"Garbage", []byte("not a record at all")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode("c", tc.b)
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Decode = %v, want an error wrapping ErrFormat", err)
			}
		})
	}
}

// FuzzDecode feeds stored bytes, which a damaged disk or a foreign writer
// may have changed, to the decoder: it must never panic, and what it accepts
// must encode back to the same bytes.
func FuzzDecode(f *testing.F) {
	f.Add(Encode(store.Record{State: store.Running, Digest: "ab", Owner: "o", OwnerBoot: "b", CreatedAt: t0, ExpiresAt: t0}))
	f.Add(Encode(store.Record{State: store.Done, Response: []byte(`{}`)}))
	f.Add([]byte{Version})
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := Decode("fuzz", b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Decode error %v does not wrap ErrFormat", err)
			}
			return
		}
		if again := Encode(rec); !bytes.Equal(again, b) {
			t.Fatalf("Encode(Decode(b)) differs from b:\n% x\n% x", again, b)
		}
	})
}
