// Whether an HTTP client is still connected while its request waits.
// cpp-httplib 0.11 gives a handler no socket, so the connection is found by
// its ports among the process's sockets (once, at the first check: requests
// answered within the first poll interval never pay for the search), then
// polled for a hang-up.
#pragma once

#include <string>

namespace minirt::serve {

class HttpPeer {
 public:
  HttpPeer(int local_port, int remote_port) : local_port_(local_port), remote_port_(remote_port) {}
  // True once the client has closed or reset the connection; false when no
  // socket has the ports.
  bool gone();

 private:
  void find_socket();
  int local_port_, remote_port_;
  bool searched_ = false;
  int fd_ = -1;
};

}  // namespace minirt::serve
