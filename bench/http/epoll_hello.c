/* The benchmark peer: the least an HTTP/1.1 server can do. One thread, one
 * epoll loop, non-blocking sockets, keep-alive, and a fixed 200 response for
 * every complete request head ("\r\n\r\n") it reads; bodies are not supported.
 * It bounds what the hardware and kernel allow, so Rapport's figures are read
 * as a fraction of it.
 *
 * Usage: epoll_hello PORT   (listens on 127.0.0.1:PORT) */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

enum { kEventsMax = 256, kReadBytesMax = 16384 };

static const char kResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"hello\":\"world\"}";

/* Per connection: bytes of an incomplete request head carried to the next read. */
struct Connection {
  int fd;
  size_t pending;
  char buffer[kReadBytesMax];
};

static void CloseConnection(int epoll_fd, struct Connection* connection) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, connection->fd, NULL);
  close(connection->fd);
  free(connection);
}

/* Answers every complete request head in the buffer; returns -1 to close. */
static int Serve(struct Connection* connection) {
  for (;;) {
    ssize_t received = read(connection->fd, connection->buffer + connection->pending,
                            sizeof(connection->buffer) - connection->pending);
    if (received == 0) return -1;
    if (received < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    connection->pending += (size_t)received;
    size_t answered = 0;
    char* start = connection->buffer;
    char* end;
    while ((end = memmem(start, connection->pending - (size_t)(start - connection->buffer), "\r\n\r\n", 4)) != NULL) {
      ++answered;
      start = end + 4;
    }
    size_t consumed = (size_t)(start - connection->buffer);
    memmove(connection->buffer, start, connection->pending - consumed);
    connection->pending -= consumed;
    if (connection->pending == sizeof(connection->buffer)) return -1; /* head too large */
    for (size_t index = 0; index < answered; ++index) {
      /* Responses are tiny; a short write on a fresh socket buffer does not happen in practice. */
      if (write(connection->fd, kResponse, sizeof(kResponse) - 1) != (ssize_t)(sizeof(kResponse) - 1)) return -1;
    }
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  int listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in address = {0};
  address.sin_family = AF_INET;
  address.sin_port = htons((uint16_t)atoi(argv[1]));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listen_fd, (struct sockaddr*)&address, sizeof(address)) != 0 || listen(listen_fd, 4096) != 0) {
    perror("epoll_hello: bind/listen");
    return 1;
  }
  int epoll_fd = epoll_create1(0);
  struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &event);
  fprintf(stderr, "epoll_hello: listening on 127.0.0.1:%s\n", argv[1]);

  struct epoll_event events[kEventsMax];
  for (;;) {
    int ready = epoll_wait(epoll_fd, events, kEventsMax, -1);
    if (ready < 0 && errno != EINTR) return 1;
    for (int index = 0; index < ready; ++index) {
      struct Connection* connection = events[index].data.ptr;
      if (connection == NULL) {
        int client_fd;
        while ((client_fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          setsockopt(client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
          struct Connection* fresh = calloc(1, sizeof(struct Connection));
          fresh->fd = client_fd;
          struct epoll_event client_event = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = fresh};
          epoll_ctl(epoll_fd, EPOLL_CTL_ADD, client_fd, &client_event);
        }
        continue;
      }
      if (Serve(connection) < 0) CloseConnection(epoll_fd, connection);
    }
  }
}
