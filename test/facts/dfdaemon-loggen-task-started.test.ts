// The generated Rust logs write "download task started" where, and with the span fields, each release
// does (dragonflyoss/client, every tag searched): the download gRPC server's download_task until v1.4.0,
// the proxy's own download (proxy/task.rs) from v1.4.1; and dfdoctor reads each form alike.
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';
import { rustReleaseTask, rustTaskLines } from './dfdaemon-loggen.js';

const started = (release: string) => rustTaskLines(rustReleaseTask(release))[0] ?? '';

describe('the generated "download task started" line', () => {
  it('is at the place its release logs it', () => {
    // v0.1.82 dragonfly-client/src/grpc/dfdaemon_download.rs:210, v1.2.7 :319, v1.5.1 proxy/task.rs:127
    expect(started('v0.1.82')).toContain(' INFO download_task: dragonfly-client/src/grpc/dfdaemon_download.rs:210: ');
    expect(started('v1.2.7')).toContain(' INFO download_task: dragonfly-client/src/grpc/dfdaemon_download.rs:319: ');
    expect(started('v1.5.1')).toContain(
      ' INFO http_handler:proxy_via_dfdaemon:download: dragonfly-client/src/proxy/task.rs:127: ',
    );
  });

  it('carries the span fields its release records before it', () => {
    // url joins the download_task span in v0.2.36, remote_ip in v1.0.4; the proxy's span (v1.4.1 on) drops both in v1.4.2
    expect(started('v0.1.82')).toMatch(/\}(?: host_id="[^"]*"| task_id="[^"]*"| peer_id="[^"]*"){3}$/);
    expect(started('v1.2.7')).toMatch(/ url="https:[^"]+" remote_ip="127\.0\.0\.1"$/);
    expect(started('v1.5.1')).toMatch(/, \.\. \} host_id="[^"]*" task_id="[^"]*" peer_id="[^"]*"$/);
  });

  it('is read as the task start, with its URL, in every form', async () => {
    for (const release of ['v0.1.82', 'v1.2.7', 'v1.5.1']) {
      const f = await factsFrom({
        'raw/dfdaemon/logs/dfdaemon.log': `${rustTaskLines(rustReleaseTask(release)).join('\n')}\n`,
      });
      const t = f.dfdaemon?.logs?.summary.tasks[0];
      expect(t?.refs.start?.text, release).toMatch(/^download task started: /);
      expect(t?.url, release).toBe(rustReleaseTask(release).url);
    }
  });
});
