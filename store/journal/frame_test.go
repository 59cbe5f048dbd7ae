package journal

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/recordcodec"
)

func TestUvarintLen(t *testing.T) {
	for _, n := range []uint64{0, 1, 127, 128, 16383, 16384, 1 << 32, math.MaxUint64} {
		if got, want := uvarintLen(n), len(binary.AppendUvarint(nil, n)); got != want {
			t.Errorf("uvarintLen(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestParseFrame(t *testing.T) {
	const salt = 0x5eed
	rec := store.Record{CallID: "call-1", Digest: "d", State: store.Done, ExpiresAt: time.Unix(100, 0)}
	header := recordcodec.Encode(rec)
	complete := appendRecordFrame(nil, salt, kindComplete, "call-1", header, []byte(`"ok"`))
	release := appendReleaseFrame(nil, salt, "call-1", 42)
	with := func(b []byte, at int, v byte) []byte {
		b = append([]byte(nil), b...)
		b[at] = v
		return b
	}
	// reseal recomputes the checksum, so that a case reaches the payload.
	reseal := func(b []byte) []byte { return sealFrame(append([]byte(nil), b...), 0, salt) }

	for _, tc := range []struct {
		name     string
		b        []byte
		salt     uint32
		want     frame
		wantErr  error // nil, errIncomplete or errFrame
		wantSize int   // of a frame whose checksum held
	}{
		{name: "Complete", b: complete, salt: salt, want: frame{kind: kindComplete, callID: []byte("call-1"),
			record: append(append([]byte(nil), header...), `"ok"`...), respLen: 4, size: len(complete)}},
		{name: "Release", b: release, salt: salt, want: frame{kind: kindRelease, callID: []byte("call-1"), expiresAt: 42, size: len(release)}},
		{name: "FollowedByMore", b: append(append([]byte(nil), release...), complete...), salt: salt,
			want: frame{kind: kindRelease, callID: []byte("call-1"), expiresAt: 42, size: len(release)}},
		{name: "Empty", b: nil, salt: salt, wantErr: errIncomplete},
		{name: "HeaderCut", b: complete[:frameHeaderLen-1], salt: salt, wantErr: errIncomplete},
		{name: "PayloadCut", b: complete[:len(complete)-1], salt: salt, wantErr: errIncomplete},
		{name: "OtherSalt", b: complete, salt: salt + 1, wantErr: errFrame},
		{name: "BadMagic", b: with(complete, 0, 'x'), salt: salt, wantErr: errFrame},
		{name: "UnknownKind", b: with(complete, 1, 9), salt: salt, wantErr: errFrame},
		{name: "LengthOverLimit", b: with(complete, 2, 0xff), salt: salt, wantErr: errFrame},
		{name: "Checksum", b: with(complete, 9, complete[9]^1), salt: salt, wantErr: errFrame},
		{name: "EmptyCallID", b: reseal(with(complete, frameHeaderLen, 0)), salt: salt, wantErr: errFrame, wantSize: len(complete)},
		{name: "CallIDOverrun", b: reseal(with(complete, frameHeaderLen, 120)), salt: salt, wantErr: errFrame, wantSize: len(complete)},
		{name: "ResponseOverrun", b: reseal(with(complete, frameHeaderLen+7, 120)), salt: salt, wantErr: errFrame, wantSize: len(complete)},
		{name: "ClaimWithResponse", b: reseal(with(complete, 1, byte(kindClaim))), salt: salt, wantErr: errFrame, wantSize: len(complete)},
		{name: "ShortRelease", b: reseal(release[:len(release)-1]), salt: salt, wantErr: errFrame, wantSize: len(release) - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFrame(tc.b, tc.salt)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("parseFrame: %v, want %v", err, tc.wantErr)
				}
				if got.size != tc.wantSize {
					t.Fatalf("size %d with the error, want %d", got.size, tc.wantSize)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFrame: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(frame{})); diff != "" {
				t.Fatalf("parseFrame (-want +got):\n%s", diff)
			}
		})
	}
}

// TestForgedFrameInResponse stores a response that carries a complete
// frame for another call id, and cuts the log inside that response, after
// the embedded frame, as a crash would. The scan for the next valid frame
// must not take the embedded one for a real write: the segment's salt,
// which whoever wrote the response cannot know, keeps it invalid. The
// KnownSalt case shows what the salt prevents.
func TestForgedFrameInResponse(t *testing.T) {
	for _, tc := range []struct {
		name      string
		knownSalt bool
		want      store.State // of the victim after the reopen
	}{
		{"UnknownSalt", false, store.Running},
		{"KnownSalt", true, store.Done},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			opts := Options{Now: func() time.Time { return now }}
			dir := t.TempDir()
			s, err := Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			victim := store.Record{CallID: "victim", ExpiresAt: now.Add(time.Hour)}
			for _, r := range []store.Record{victim, {CallID: "attacker", ExpiresAt: now.Add(time.Hour)}} {
				if _, _, err := s.Claim(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			salt := uint32(0x12345678) // a guess
			if tc.knownSalt {
				salt = s.wseg.salt
			}
			victim.State = store.Done
			forged := appendRecordFrame(nil, salt, kindComplete, "victim", recordcodec.Encode(victim), []byte(`"forged"`))
			response := append(append([]byte(`{"text":"`), forged...), `"}`...)
			if err := s.Complete(ctx, "attacker", response); err != nil {
				t.Fatal(err)
			}
			attacker := s.index["attacker"]
			end := attacker.off + int64(attacker.size)
			if _, err := s.wseg.f.WriteAt([]byte{0}, end-1); err != nil { // inside `"}`: torn
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}

			s, err = Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got, err := s.Get(ctx, "victim")
			if err != nil || got.State != tc.want {
				t.Fatalf("victim after reopen = %s %q, err %v; want %s", got.State, got.Response, err, tc.want)
			}
		})
	}
}
