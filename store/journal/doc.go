// Package journal is a Store that keeps call records in an append-only log:
// durable across restarts of a single server instance, with no server to
// run, and one write(2) plus one fdatasync per group of concurrent writes.
//
// # Why a log
//
// Every call with a client call_id writes twice (the claim before the tool
// runs, the completion before the answer), and both must be on disk before
// they are acknowledged; a call of a tool that may run twice writes once
// (Store.ClaimVolatile). store/bolt pays a B+tree commit for each group of
// such writes: dirty pages written in place and two fdatasyncs (data, then
// meta page). This store appends each write as a self-describing frame to
// the newest segment file, so a group costs one write at the tail and one
// fdatasync, and no page bookkeeping. The design is Bitcask's: the log is
// the only thing on disk, and an in-memory index, rebuilt by replaying the
// log when the store opens, says where each record lives.
//
// # On disk
//
// A directory holds a LOCK file (an exclusive flock, so that two processes
// never append to the same log) and segment files named by a zero-padded
// sequence number, NNNNNNNNNNNNNNNNNNNN.seg. The newest segment is appended
// to; once it reaches Options.SegmentSize the next group starts a new one,
// and a segment that is not the newest never changes again. A segment is
// written full of zeros before it takes frames (the next one is made ready
// in the background while the active one fills up), so that frames land in
// blocks already written and appends never change the file: the zeros
// after its last frame are free space, and disk use is counted in whole
// segments. A segment starts with a 16-byte header:
//
//	magic     7 bytes "OTCJRNL"
//	version   1 byte, 1 for this format
//	salt      uint32, random per segment
//	checksum  uint32, CRC-32C of the 12 bytes before it
//
// and then holds frames, each
//
//	magic     1 byte 0xF7 (never part of UTF-8 text)
//	kind      1 byte: 1 claim, 2 complete, 3 release
//	length    uint32, of the payload; at most 64 MiB
//	checksum  uint32, CRC-32C over kind, length and payload, seeded with
//	          the segment's salt
//	payload
//
// Integers are big-endian. A claim or complete payload is the call id
// (uvarint length, bytes), the length of the response as a uvarint, and the
// full record in store/internal/recordcodec's encoding, whose last bytes are
// the response. A completion carries the whole Done record, not a delta, so
// it stands alone and the claim before it is dead. A release payload is the
// call id and the released record's ExpiresAt (int64 Unix nanoseconds): a
// tombstone that lives exactly as long as the claim it cancels.
//
// The salt makes a frame valid only in the segment it was written to. A
// tool's response is stored inside a frame, and after damage the reader
// scans for the next valid frame; without the salt, a response could carry
// a forged frame (a record for another call id) that a scan would accept.
//
// # Durability
//
// One goroutine writes. Writes that arrive while it writes and syncs a
// group are encoded into the next group's buffer; when the sync is done it
// takes that whole buffer, writes it at the tail with one pwrite, fdatasyncs
// once, and wakes every writer of the group. The write lands in blocks the
// segment has written already, so the fdatasync commits data and no
// metadata (a new file size, an allocation), which would cost a file system
// journal commit per group. There is no timer: a group is what queued
// during the previous sync, so a lone write goes out at once and a loaded
// store writes few, large groups.
//
// Claim reports a claim only after its frame is synced, and Complete and
// Release return nil only after theirs are. Until then the change is not
// visible: a concurrent Claim, Get, Complete or Release of the same call id
// waits for a claim or release in flight, and while a completion syncs, Get
// and Claim still see the Running record and a second Complete gets
// store.ErrNotRunning. If a write or sync fails, the changes of its group
// are undone in memory, their callers get an error wrapping
// store.ErrUnavailable, and the store refuses every later write, and Ping
// fails, until it is opened again; reads go on, from what was synced. After
// a failed fsync the kernel may have dropped the dirty pages, and the
// file's state is unknown until the log is replayed ("fsyncgate").
//
// # Memory
//
// The index holds every live record's fields but not its response: a Done
// record's response is read back from its frame (one pread, checksum
// verified) when Get or Claim returns it. A frame that fails the check is a
// *store.CorruptRecordError for that call id.
//
// That is still some 300 bytes a record, and a client may make up call ids
// for as long as the retention lasts, so the index is bounded
// (Options.MaxRecords, a million records by default) as store/memory's is:
// a full index forgets its finished record closest to expiry, and refuses
// a claim only when that record is still running. A forgotten record's
// frames stay on disk until their segment expires; Open applies the same
// bound after replay, so that they do not come back.
//
// # Opening after a crash
//
// Open replays every segment in order: a claim inserts, a completion
// replaces, a release deletes, and expired records are dropped. Zeros from
// the end of the last frame to the end of the file are free space, and the
// next write goes there. A damaged or incomplete frame at the end of the
// newest segment, with no valid frame after it, is a write that was never
// acknowledged: it is overwritten with zeros, so that no trace of it is
// left after the shorter frames that may replace it. Damage anywhere else
// is corruption: the reader skips to the next offset where a valid frame
// starts, and counts what it skipped (Store.Recovery). Open never refuses
// a log for damaged frames, only for a segment of a newer format version.
//
// # Deleting
//
// Each segment knows the latest ExpiresAt of the frames in it. Sweep drops
// expired records from the index (an expiry heap, not a scan) and then
// deletes every segment but the newest whose latest ExpiresAt has passed:
// every frame in it then describes an expired record. Calls share one
// retention, so segments expire in the order they were written, and disk use
// is the write rate times the retention, as with store/bolt, rounded up to
// whole segments.
//
// # Rejected
//
// Rewriting compaction (copying a segment's live frames forward so that it
// can be deleted early): with one retention for all records a segment's
// frames expire together, so there is little to copy and nothing to gain
// for the write amplification and the code. bbolt's B+tree per group (the
// store/bolt design): its two syncs and page writes per commit are where the
// durable call path spent its time. fallocate(2) instead of writing zeros:
// it is instant, but leaves unwritten extents, and the first write into
// one is a metadata change that an fdatasync commits through the file
// system's journal, as an append is: 5% more calls per second, where zeros
// gave 60%.
package journal
