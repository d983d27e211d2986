#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace geolens::test {

// A TCP port on the loopback interface that nothing listens on now: the rendezvous port of the
// ranks a test starts. Another program could take it before the test does, which is unlikely.
inline int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

} // namespace geolens::test
