// The records the WebAssembly log scanner (assembly/dfdaemon-log-scan.ts) writes for the JS side
// (dfdaemon-log.ts) to read: one file that both compile (AssemblyScript reads these as i32
// constants), so that the two sides cannot disagree about a slot.

// record types
export const T_EVENT_GO = 1;
export const T_EVENT_RUST = 2;
/** A whole line for JS. */
export const T_FALLBACK = 3;
/** A matched go-json line whose message has escapes or no end: JS reads it. */
export const T_GO_SLOW = 4;
/** A classified line, for onLine. */
export const T_LINE = 5;

/** Bytes per record (32 i32 slots). */
export const REC = 128;
export const REC_I32 = 32;

// i32 slots of a record
export const R_TYPE = 0;
export const R_LINE = 1;
/** The line's start and end. */
export const R_S = 2;
export const R_E = 3;
/** The message pattern's index in the tables. */
export const R_PAT = 4;
export const R_LEVEL = 5;
/** The message's start; its end: go, the closing quote; rust, the end of the quoted text. */
export const R_MS = 6;
export const R_ME = 7;
/** Each value's start, its end in the next slot, and its id table code ID_SLOT_DELTA slots later. */
export const R_TASK_S = 8;
export const R_PEER_S = 10;
export const R_URL_S = 12;
export const R_URL_E = 13;
/** Rust piece: the task id in "finished piece <task>-<n>" (-1 in both: the text names none). */
export const R_PTASK_S = 14;
export const R_PTASK_E = 15;
/** 0 no time, 1 the time is in R_TS, 2 JS must read it. */
export const R_TS_STATE = 16;
/** T_LINE: the layout code; T_FALLBACK: the layout of the line before (LAY_JS when JS knows). */
export const R_LAYOUT = 17;
/** Rust: the end of the timestamp. */
export const R_SP = 18;
/** Go: where the "ts" value starts (-1 none). */
export const R_TSAT = 19;
/**
 * First pass of a two-pass fold (the module's task table on): 1 when JS must put the line's task key
 * in the table itself (its time, key or the kind's key source need JS), 0 when the module did.
 */
export const R_SIM = 27;
/** The id table code of the value whose range starts at slot k is at k + ID_SLOT_DELTA (i32 26, 28, 30). */
export const ID_SLOT_DELTA = 18;

// f64 slots of a record (i32 20–25)
export const R_TS = 10;
/** -1 when absent. */
export const R_CLEN = 11;

// pattern flags (PATTERNS record, u16 at 14): bit 0 is set by the tables; the rest by each first pass
export const PF_PIECE = 1;
/** The fold needs the line's event (a daemon-wide list's kind). */
export const PF_EVENT = 2;
/** The line counts in its task's timeline when it names no task … */
export const PF_TASK_PART = 4;
/** … and when it does. */
export const PF_TASK_PART_WITH_TASK = 8;
/** Without a peer, the key may be in the message's text (JS reads it). */
export const PF_KEY_IN_TEXT = 16;
/** A proxy request: counted (with a URL) and kept for the second pass, not handed over. */
export const PF_PROXY = 32;
/**
 * A piece pattern whose successors in its dispatch chain are all piece patterns of the same flags: a first
 * pass may take any of them that matches (match() in the module), since it reads a line by its flags only.
 */
export const PF_ANY_PIECE = 64;

// layout codes (dfdaemon-log.ts LAYOUTS holds their names)
export const LAY_GO_JSON = 0;
export const LAY_RUST_COMPACT = 3;
export const LAY_NONE = 5;
export const LAY_JS = 6;
