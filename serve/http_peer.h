// Whether an HTTP client is still connected while its request waits.
// cpp-httplib 0.11 gives a handler no socket, so the connection is found once
// by its addresses among the process's sockets, then polled for a hang-up.
#pragma once

#include <string>

namespace minirt::serve {

class HttpPeer {
 public:
  // The socket whose local port is local_port and peer port remote_port;
  // when none matches, gone() is always false.
  HttpPeer(int local_port, int remote_port);
  // True once the client has closed or reset the connection.
  bool gone() const;

 private:
  int fd_ = -1;
};

}  // namespace minirt::serve
