// Assertions the worker suites share: JSON answers, the error envelope, and waiting for a
// sync run (its chain runs on its own through the queue) to leave `running`.
import assert from 'node:assert/strict';

/** The JSON body of `res`, asserting its status. */
export async function json(res, status) {
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body).slice(0, 400));
  return body;
}

/** `{"errors":[{"detail"}]}` with `status`: one plain-words detail, never SQL. */
export async function envelope(res, status, pattern) {
  const body = await json(res, status);
  assert.equal(body.errors?.length, 1, JSON.stringify(body));
  assert.equal(typeof body.errors[0].detail, 'string');
  assert.doesNotMatch(body.errors[0].detail, /SQLITE|sql|syntax|D1_/i);
  if (pattern) assert.match(body.errors[0].detail, pattern);
  return body.errors[0].detail;
}

/** The newest `syncType` run once it is no longer `running` (and is not `previous`). */
export async function settled(ops, syncType, previous = null) {
  for (let i = 0; i < 4800; i++) {
    const run = await ops.first('SELECT run_id, status FROM sync_runs WHERE sync_type = ?1 ORDER BY created_at DESC, run_id DESC LIMIT 1', syncType);
    if (run && run.run_id !== previous && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`${syncType} did not finish`);
}
