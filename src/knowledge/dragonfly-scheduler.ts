/**
 * What tells the Dragonfly scheduler's log from the Go dfdaemon's: both are zap logs of
 * dragonflyoss/dragonfly (same layouts, same ts/level/caller fields), and zap's caller names the source
 * file with its directory ("scheduling/scheduling.go:136"). These directories hold .go files under
 * scheduler/ and nowhere else in the repository (client/, pkg/, internal/, cmd/, manager/, trainer/),
 * at every tag checked: v2.0.2, v2.0.9, v2.1.0, v2.1.49, v2.2.0, v2.3.4 (non-test sources). A
 * line with such a caller was written by the scheduler, never by dfdaemon. (Its `service/` directory is
 * not one: manager/service and trainer/service share the name, trainer/service/service_v1.go the file.)
 */
export const SCHEDULER_CALLER_DIRS: ReadonlySet<string> = new Set([
  'scheduling', // scheduler/scheduling/scheduling.go
  'resource', // scheduler/resource/{peer,task,host,…}.go
  'standard', // scheduler/resource/standard/… (v2.2)
  'persistentcache', // scheduler/resource/persistentcache/… (v2.2)
  'evaluator', // scheduler/scheduling/evaluator/…
]);
