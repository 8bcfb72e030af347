// Loaded with `node --import` ahead of everything-server, which stays as upstream wrote it: that server calls
// app.listen(process.env.PORT), which binds every interface and, given PORT=0, logs port 0. The tests want it
// on 127.0.0.1 only, on a port the kernel picks (no window in which another process can take a port chosen
// beforehand), and need to learn that port; so a listen() without a host gets 127.0.0.1, and once a server
// listens its real address is printed on a line of its own.
import net from 'node:net';

const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const [port, host] = args;
  const hostGiven = typeof host === 'string';
  if ((typeof port === 'number' || typeof port === 'string') && !hostGiven) {
    args.splice(1, 0, '127.0.0.1');
  }
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') {
      console.log(`reference server listening on http://${address.address}:${address.port}`);
    }
  });
  return listen.apply(this, args);
};
