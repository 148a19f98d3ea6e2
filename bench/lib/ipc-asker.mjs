// Request and answer over a child process's IPC channel: each message sent gets a `seq`, and the
// child's answer carries it back. Messages without a waiting `seq` go to `onOther`.

/**
 * Returns `ask(body)`: sends `{ ...body, seq }` to `child` and resolves its answer, or rejects
 * after `timeoutMs` without one.
 */
export function ipcAsker(child, { onOther = () => {}, timeoutMs = 30_000 } = {}) {
  let seq = 0;
  const waiting = new Map();
  child.on("message", (message) => {
    const resolve = waiting.get(message.seq);
    if (!resolve) return onOther(message);
    waiting.delete(message.seq);
    resolve(message);
  });
  return (body) => {
    const id = ++seq;
    let timer;
    const answered = new Promise((resolve, reject) => {
      waiting.set(id, resolve);
      timer = setTimeout(
        () => reject(new Error(`handler ${body.type}: no answer in ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    child.send({ ...body, seq: id });
    return answered.finally(() => {
      clearTimeout(timer);
      waiting.delete(id);
    });
  };
}
