// The transport: the only translation unit that sees Boost.Beast (compile
// time). It accepts connections, reads HTTP/1.1 requests with the limits of
// ServerOptions, converts them to transport-neutral Requests, awaits Dispatch,
// and writes Responses with the baseline security headers, the request id,
// one access-log line and the request metrics.
//
// Threads: each of the `io_threads` runs an io_context of its own, and every
// accepted connection is pinned to one of them, round-robin, as one coroutine:
// a connection's state is touched by one thread, with no strand and no
// scheduler lock shared between threads (measured: strands and a shared
// io_context cost about a third of the throughput on small requests). Requests on a connection are handled one after
// another, which keeps pipelined requests in order. Blocking work (store reads, Ping) runs on a separate thread pool
// and resumes on the connection's strand.
//
// Timeouts: waiting for the next request on a kept-alive connection is bounded
// by idle_timeout_ms (read_timeout_ms for the first request); once a header
// has arrived, the whole request is bounded by read_timeout_ms.
//
// Shutdown: stop accepting, cancel connections idle between requests, let
// requests in flight finish and close their connection after the response;
// after shutdown_grace_ms everything still open is closed.
#include "rapport/http/server.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>  // before awaitable.hpp (Asio 1.74)

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "access_log.h"
#include "dispatcher.h"
#include "openapi.h"
#include "request_context.h"
#include "routes/routes.h"
#include "server_testing.h"

namespace rapport::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// Owns the pool for blocking work; keeps the io_context alive for store
// callbacks that may complete after the server stopped.
class BlockingRunner {
 public:
  explicit BlockingRunner(int threads) : pool_(static_cast<std::size_t>(threads)) {}
  asio::thread_pool& pool() { return pool_; }
  void Join() { pool_.join(); }

 private:
  asio::thread_pool pool_;
};

namespace {

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";
// After an error that ends a connection, read (and drop) what the client is
// still sending for at most this long, so it sees our response, not a reset.
constexpr auto kLingerDuration = std::chrono::milliseconds(500);
constexpr std::size_t kLingerBytesMax = 4 << 20;

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

Status RunCatching(const std::function<Status()>& work) {
  try {
    return work();
  } catch (const std::exception& error) {
    return Internal(std::string("blocking work threw: ") + error.what());
  }
}

std::string RandomHex(std::size_t digits) {
  std::random_device device;
  std::uniform_int_distribution<int> distribution(0, 15);
  std::string text;
  for (std::size_t index = 0; index < digits; ++index) text += "0123456789abcdef"[distribution(device)];
  return text;
}

}  // namespace

// ---------------------------------------------------------------------------
// RequestContext helpers that need Asio.

// Deliberately not a coroutine: with GCC 12, moving from a by-value
// std::function parameter inside a coroutine leaves the frame's copy owning
// the functor too, so a heap-stored functor is freed twice (seen with
// valgrind). co_spawn with use_awaitable already returns the
// awaitable, so the function only moves `work` into the spawned lambda.
asio::awaitable<Status> RequestContext::RunBlocking(std::function<Status()> work) {
  // co_spawn onto the pool; use_awaitable resumes us on our own (strand) executor.
  return asio::co_spawn(
      runner_->pool(), [work = std::move(work)]() -> asio::awaitable<Status> { co_return RunCatching(work); },
      asio::use_awaitable);
}

asio::awaitable<Status> RequestContext::Read(app::Store::ReadBody body) {
  app::Store* store = services_.store;
  return RunBlocking([store, body = std::move(body)]() { return store->Read(body); });
}

asio::awaitable<Status> RequestContext::Write(app::Store::WriteBody body) {
  // The store thread posts the outcome to our strand and wakes us by
  // cancelling a timer that never expires on its own; every touch of `pending`
  // after the post happens on the strand.
  struct Pending {
    explicit Pending(const asio::any_io_executor& executor) : wake(executor, asio::steady_timer::time_point::max()) {}
    asio::steady_timer wake;
    Status status;
    bool done = false;
  };
  auto executor = co_await asio::this_coro::executor;
  auto pending = std::make_shared<Pending>(executor);
  // A copy, not a move: see RunBlocking on GCC 12 and moved-from coroutine parameters.
  services_.store->WriteAsync(body, [pending, executor](Status status) {
    asio::post(executor, [pending, status = std::move(status)]() mutable {
      pending->status = std::move(status);
      pending->done = true;
      pending->wake.cancel();
    });
  });
  while (!pending->done) {
    beast::error_code ignored;
    co_await pending->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_return std::move(pending->status);
}

// ---------------------------------------------------------------------------

struct Connection {
  Connection(tcp::socket socket, std::size_t thread_index) : stream(std::move(socket)), io_index(thread_index) {}
  beast::tcp_stream stream;
  std::size_t io_index;  // which io thread (and access log) serves it
  std::string remote;
  bool idle = true;  // waiting for a request with nothing buffered; its io thread only
};

class Server::Impl {
 public:
  Impl(ServerOptions options, ServerDependencies dependencies)
      : options_(std::move(options)),
        io_contexts_(MakeContexts(options_.io_threads)),
        access_log_(static_cast<int>(io_contexts_.size())),
        runner_(options_.blocking_threads),
        acceptor_strand_(asio::make_strand(*io_contexts_.front())),
        acceptor_(acceptor_strand_),
        request_id_prefix_(RandomHex(8)) {
    services_.store = dependencies.store;
    services_.clock = dependencies.clock;
    services_.version = std::move(dependencies.version);
    services_.assets = dependencies.assets;
    services_.collectors = std::move(dependencies.collectors);
    services_.access = dependencies.access;
    services_.relationships = dependencies.relationships;
    services_.loyalty = dependencies.loyalty;
    services_.rewards = dependencies.rewards;
    services_.programme = dependencies.programme;
    services_.secure_cookies = options_.secure_cookies;
  }

  Status Start(const RouteAdder& add_routes);
  std::uint16_t port() const { return port_; }
  void Shutdown();
  void Wait() {
    std::unique_lock lock(mutex_);
    state_changed_.wait(lock, [this] { return shut_down_; });
  }

 private:
  Status Bind();
  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> connection);
  asio::awaitable<bool> ServeOne(Connection& connection, beast::flat_buffer& buffer, bool first);
  asio::awaitable<void> WriteResponse(Connection& connection, Request& request, Response& response,
                                      unsigned http_version, bool keep_alive, beast::error_code& error);
  asio::awaitable<void> Linger(Connection& connection);
  void Forget(Connection* connection);
  std::string NextRequestId();
  void FinishResponse(const Request& request, Response& response) const;
  void LogAccess(std::size_t io_index, const Request& request, int status, std::size_t body_bytes,
                 std::int64_t duration_us);
  asio::awaitable<void> FlushAccessLog(std::size_t io_index);

  ServerOptions options_;
  Services services_;
  Router router_;
  std::unique_ptr<HttpMetrics> metrics_;
  std::unique_ptr<StoreHealth> store_health_;
  static std::vector<std::shared_ptr<asio::io_context>> MakeContexts(int count);
  std::size_t NextConnectionContext();

  std::vector<std::shared_ptr<asio::io_context>> io_contexts_;  // one per io thread
  std::size_t next_context_ = 0;                                // acceptor only
  AccessLog access_log_;
  BlockingRunner runner_;
  asio::strand<asio::io_context::executor_type> acceptor_strand_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::thread> io_threads_;
  std::string request_id_prefix_;
  std::atomic<std::uint64_t> request_counter_{0};
  std::atomic<bool> stopping_{false};

  std::mutex mutex_;
  std::condition_variable state_changed_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;  // guarded by mutex_
  bool shutdown_started_ = false;                                             // guarded by mutex_
  bool shut_down_ = false;                                                    // guarded by mutex_
};

Status Server::Impl::Start(const RouteAdder& add_routes) {
  if (services_.store == nullptr || services_.clock == nullptr || services_.access == nullptr) {
    return InvalidArgument("http: store, clock and access are required");
  }
  const RelationshipServices& relationships = services_.relationships;
  if (relationships.contacts == nullptr || relationships.card_details == nullptr ||
      relationships.duplicates == nullptr || relationships.importer == nullptr || relationships.exporter == nullptr ||
      relationships.mappings == nullptr) {
    return InvalidArgument("http: the relationship services are required");
  }
  if (services_.loyalty == nullptr) return InvalidArgument("http: the loyalty service is required");
  if (services_.rewards == nullptr) return InvalidArgument("http: the reward service is required");
  if (services_.programme == nullptr) return InvalidArgument("http: the programme service is required");
  if (options_.io_threads < 1 || options_.blocking_threads < 1) {
    return InvalidArgument("http: io_threads and blocking_threads must be at least 1");
  }
  RegisterAllRoutes(router_);
  if (add_routes) add_routes(router_);
  std::vector<std::string> patterns;
  for (const Route& route : router_.routes()) patterns.push_back(route.pattern);
  metrics_ = std::make_unique<HttpMetrics>(std::move(patterns));
  services_.router = &router_;
  services_.metrics = metrics_.get();
  store_health_ = std::make_unique<StoreHealth>(*services_.clock, kStoreHealthMaxAge);
  services_.store_health = store_health_.get();
  services_.openapi_json = BuildOpenApiDocument(router_, services_.version);
  app::Store* store = services_.store;
  services_.collectors.push_back(
      [store](MetricsSink& sink) { CollectStoreStats(store->Stats(), app::StoreKindName(store->kind()), sink); });

  RAPPORT_RETURN_IF_ERROR(Bind());
  asio::co_spawn(acceptor_strand_, Accept(), asio::detached);
  for (std::size_t index = 0; index < io_contexts_.size(); ++index) {
    asio::co_spawn(*io_contexts_[index], FlushAccessLog(index), asio::detached);
  }
  for (const std::shared_ptr<asio::io_context>& context : io_contexts_) {
    io_threads_.emplace_back([context] {
      // Keeps run() going while this thread has no connection yet.
      auto work = asio::make_work_guard(*context);
      context->run();
    });
  }
  spdlog::info("http: listening on {}:{}", options_.host, port_);
  return Status::Ok();
}

std::vector<std::shared_ptr<asio::io_context>> Server::Impl::MakeContexts(int count) {
  std::vector<std::shared_ptr<asio::io_context>> contexts;
  // A hint of 1: each context is run by exactly one thread.
  for (int index = 0; index < std::max(count, 1); ++index) contexts.push_back(std::make_shared<asio::io_context>(1));
  return contexts;
}

std::size_t Server::Impl::NextConnectionContext() {
  const std::size_t index = next_context_;
  next_context_ = (next_context_ + 1) % io_contexts_.size();
  return index;
}

Status Server::Impl::Bind() {
  beast::error_code error;
  tcp::resolver resolver(*io_contexts_.front());
  const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error || endpoints.empty()) {
    return InvalidArgument("http: cannot resolve listen host '" + options_.host + "': " + error.message());
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return Unavailable("http: cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                       error.message());
  }
  port_ = acceptor_.local_endpoint().port();
  return Status::Ok();
}

asio::awaitable<void> Server::Impl::Accept() {
  while (!stopping_.load()) {
    beast::error_code error;
    const std::size_t io_index = NextConnectionContext();
    tcp::socket socket =
        co_await acceptor_.async_accept(*io_contexts_[io_index], asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      if (stopping_.load() || error == asio::error::operation_aborted) break;
      spdlog::warn("http: accept failed: {}", error.message());
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    if (static_cast<std::size_t>(metrics_->connections()) >= options_.connections_max) {
      spdlog::warn("http: {} connections open, refusing a new one", options_.connections_max);
      socket.close(error);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket), io_index);
    const auto remote = connection->stream.socket().remote_endpoint(error);
    connection->remote =
        error ? std::string("unknown") : remote.address().to_string() + ":" + std::to_string(remote.port());
    connection->stream.socket().set_option(tcp::no_delay(true), error);
    {
      const std::lock_guard lock(mutex_);
      connections_.emplace(connection.get(), connection);
    }
    metrics_->ConnectionOpened();
    auto executor = connection->stream.get_executor();
    asio::co_spawn(executor, Serve(std::move(connection)), asio::detached);
  }
}

void Server::Impl::Forget(Connection* connection) {
  metrics_->ConnectionClosed();
  const std::lock_guard lock(mutex_);
  connections_.erase(connection);
  state_changed_.notify_all();
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  try {
    bool first = true;
    while (co_await ServeOne(*connection, buffer, first)) first = false;
  } catch (const std::exception& error) {
    spdlog::error("http: connection {} failed: {}", connection->remote, error.what());
  }
  beast::error_code ignored;
  connection->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  connection->stream.socket().close(ignored);
  Forget(connection.get());
}

std::string Server::Impl::NextRequestId() {
  return request_id_prefix_ + "-" + std::to_string(request_counter_.fetch_add(1, std::memory_order_relaxed) + 1);
}

// Reads and answers one request. Returns whether the connection stays open.
asio::awaitable<bool> Server::Impl::ServeOne(Connection& connection, beast::flat_buffer& buffer, bool first) {
  if (stopping_.load()) co_return false;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options_.header_bytes_max));
  parser.body_limit(options_.body_bytes_max);

  connection.idle = buffer.size() == 0;
  connection.stream.expires_after(
      std::chrono::milliseconds(first ? options_.read_timeout_ms : options_.idle_timeout_ms));
  beast::error_code error;
  co_await bhttp::async_read_header(connection.stream, buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, error));
  connection.idle = false;
  const auto started = std::chrono::steady_clock::now();

  Request request;
  request.remote = connection.remote;
  auto transport_problem = [&](const Problem& problem) -> Response {
    if (request.request_id.empty()) request.request_id = NextRequestId();
    return ProblemResponse(problem, request);
  };

  std::optional<Response> early;  // a response decided by the transport; ends the connection
  if (error == bhttp::error::end_of_stream || error == asio::error::operation_aborted ||
      error == beast::error::timeout || error == asio::error::connection_reset || error == asio::error::eof) {
    co_return false;
  }
  if (error == bhttp::error::header_limit) {
    early = transport_problem(HeaderFieldsTooLargeProblem("The request header is larger than the limit."));
  } else if (error == bhttp::error::body_limit) {
    early = transport_problem(PayloadTooLargeProblem("The request body is larger than " +
                                                     std::to_string(options_.body_bytes_max) + " bytes."));
  } else if (error) {
    early = transport_problem(BadRequestProblem("The request is not valid HTTP/1.1."));
  }

  auto& header = parser.get();
  if (!early) {
    const std::string_view target(header.target().data(), header.target().size());
    request.method_name = std::string(View(header.method_string()));
    request.method = MethodFromName(request.method_name);
    request.target = std::string(target);
    const std::size_t question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
    request.headers.reserve(16);
    for (const auto& field : header) {
      request.headers.push_back({ToLowerAscii(View(field.name_string())), std::string(View(field.value()))});
    }
    const auto request_id = request.FindHeader("x-request-id");
    request.request_id = request_id && IsSaneRequestId(*request_id) ? std::string(*request_id) : NextRequestId();
    if (options_.trust_proxy_headers) {
      if (const auto forwarded = request.FindHeader("x-forwarded-for")) {
        std::string_view first_hop = forwarded->substr(0, forwarded->find(','));
        while (first_hop.starts_with(' ')) first_hop.remove_prefix(1);
        while (first_hop.ends_with(' ')) first_hop.remove_suffix(1);
        if (!first_hop.empty()) request.remote = std::string(first_hop);
      }
      const auto forwarded_proto = request.FindHeader("x-forwarded-proto");
      request.secure_transport = forwarded_proto && EqualsIgnoreCase(*forwarded_proto, "https");
    }
    if (target.size() > options_.target_bytes_max) {
      early = transport_problem(UriTooLongProblem("The request target is longer than " +
                                                  std::to_string(options_.target_bytes_max) + " bytes."));
    }
  }

  std::size_t body_bytes_max = options_.body_bytes_max;
  if (!early && !parser.is_done()) {
    // A bulk upload route may accept more than the default, with the time
    // that takes: a minute plus a second per MiB.
    std::int64_t read_timeout_ms = options_.read_timeout_ms;
    const RouteMatch match = services_.router->Find(request.method, request.path);
    if (match.kind == RouteMatch::Kind::kFound && match.route->body_bytes_max > body_bytes_max) {
      body_bytes_max = match.route->body_bytes_max;
      parser.body_limit(body_bytes_max);
      read_timeout_ms =
          std::max<std::int64_t>(read_timeout_ms, 60'000 + static_cast<std::int64_t>(body_bytes_max >> 20) * 1'000);
    }
    connection.stream.expires_after(std::chrono::milliseconds(read_timeout_ms));
    if (const auto expect = request.FindHeader("expect"); expect && EqualsIgnoreCase(*expect, "100-continue")) {
      bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, header.version()};
      co_await bhttp::async_write(connection.stream, proceed, asio::redirect_error(asio::use_awaitable, error));
      if (error) co_return false;
    }
    co_await bhttp::async_read(connection.stream, buffer, parser, asio::redirect_error(asio::use_awaitable, error));
    if (error == bhttp::error::body_limit) {
      early = transport_problem(
          PayloadTooLargeProblem("The request body is larger than " + std::to_string(body_bytes_max) + " bytes."));
    } else if (error == beast::error::timeout || error == asio::error::operation_aborted) {
      co_return false;
    } else if (error) {
      early = transport_problem(BadRequestProblem("The request body could not be read."));
    }
  }

  Response response;
  bool keep_alive = false;
  metrics_->RequestStarted();
  std::size_t metrics_slot = metrics_->UnmatchedSlot();
  if (early) {
    response = std::move(*early);
  } else {
    request.body = std::move(parser.get().body());
    request.has_body = !request.body.empty();
    keep_alive = header.keep_alive();
    RequestContext context(request, services_, &runner_);
    response = co_await Dispatch(context, &metrics_slot);
  }
  keep_alive = keep_alive && !stopping_.load();
  FinishResponse(request, response);

  const unsigned http_version = early ? 11 : header.version();
  const std::size_t body_bytes = request.method == Method::kHead ? 0 : response.BodySize();
  connection.stream.expires_after(std::chrono::milliseconds(options_.read_timeout_ms));
  co_await WriteResponse(connection, request, response, http_version, keep_alive, error);
  const auto duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  metrics_->RequestFinished();
  metrics_->RecordRequest(metrics_slot, MethodName(request.method), response.status, duration_us);
  LogAccess(connection.io_index, request, response.status, body_bytes, duration_us);
  if (error) co_return false;
  if (early) co_await Linger(connection);
  co_return keep_alive;
}

void Server::Impl::FinishResponse(const Request& request, Response& response) const {
  response.SetHeader("X-Request-Id", request.request_id);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Referrer-Policy", "no-referrer");
  response.SetHeader("Content-Security-Policy", std::string(kContentSecurityPolicy));
}

asio::awaitable<void> Server::Impl::WriteResponse(Connection& connection, Request& request, Response& response,
                                                  unsigned http_version, bool keep_alive, beast::error_code& error) {
  const bool head = request.method == Method::kHead;
  const bool no_body = head || response.status == 304 || response.status == 204;
  auto fill = [&](auto& message) {
    message.result(static_cast<unsigned>(response.status));
    message.version(http_version);
    if (!response.content_type.empty()) message.set(bhttp::field::content_type, response.content_type);
    for (const Header& header : response.headers) message.set(header.name, header.value);
    message.keep_alive(keep_alive);
    // HEAD announces the length GET would send; 304 and 204 carry none.
    if (response.status != 304 && response.status != 204) message.content_length(response.BodySize());
  };
  if (!response.static_body.empty() && !no_body) {
    bhttp::response<bhttp::span_body<const char>> message;
    fill(message);
    message.body() = beast::span<const char>(response.static_body.data(), response.static_body.size());
    co_await bhttp::async_write(connection.stream, message, asio::redirect_error(asio::use_awaitable, error));
  } else {
    bhttp::response<bhttp::string_body> message;
    fill(message);
    if (!no_body) message.body() = std::move(response.body);
    co_await bhttp::async_write(connection.stream, message, asio::redirect_error(asio::use_awaitable, error));
  }
}

asio::awaitable<void> Server::Impl::Linger(Connection& connection) {
  beast::error_code error;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, error);
  connection.stream.expires_after(kLingerDuration);
  std::array<char, 16 << 10> discard;
  std::size_t discarded = 0;
  while (!error && discarded < kLingerBytesMax) {
    discarded += co_await connection.stream.async_read_some(asio::buffer(discard),
                                                            asio::redirect_error(asio::use_awaitable, error));
  }
}

void Server::Impl::LogAccess(std::size_t io_index, const Request& request, int status, std::size_t body_bytes,
                             std::int64_t duration_us) {
  std::string logged_target = request.path;
  if (!request.query.empty()) logged_target += "?" + RedactQuery(request.query);
  access_log_.logger(io_index).info(
      "http {} {} {} {}B {}us id={} remote={}", request.method_name.empty() ? "-" : request.method_name,
      logged_target.empty() ? "-" : logged_target, status, body_bytes, duration_us, request.request_id, request.remote);
}

// Writes the io thread's buffered access-log lines at least every
// AccessLog::kFlushInterval, so a quiet server does not hold them back.
asio::awaitable<void> Server::Impl::FlushAccessLog(std::size_t io_index) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stopping_.load()) {
    timer.expires_after(AccessLog::kFlushInterval);
    beast::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    access_log_.logger(io_index).flush();
  }
}

void Server::Impl::Shutdown() {
  {
    std::unique_lock lock(mutex_);
    if (shutdown_started_) {
      state_changed_.wait(lock, [this] { return shut_down_; });
      return;
    }
    shutdown_started_ = true;
  }
  stopping_.store(true);
  asio::post(acceptor_strand_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });

  auto for_each_connection = [this](auto action) {
    const std::lock_guard lock(mutex_);
    for (const auto& [pointer, connection] : connections_) {
      asio::post(connection->stream.get_executor(), [connection, action] { action(*connection); });
    }
  };
  // Connections between requests are closed now; busy ones after their response.
  for_each_connection([](Connection& connection) {
    if (connection.idle) connection.stream.cancel();
  });
  {
    std::unique_lock lock(mutex_);
    const bool drained = state_changed_.wait_for(lock, std::chrono::milliseconds(options_.shutdown_grace_ms),
                                                 [this] { return connections_.empty(); });
    if (!drained)
      spdlog::warn("http: {} connections still busy after the shutdown grace; closing", connections_.size());
  }
  for_each_connection([](Connection& connection) {
    beast::error_code ignored;
    connection.stream.socket().close(ignored);
  });
  {
    // Closing wakes every pending operation; wait for the coroutines to unwind.
    std::unique_lock lock(mutex_);
    state_changed_.wait_for(lock, std::chrono::milliseconds(options_.shutdown_grace_ms),
                            [this] { return connections_.empty(); });
  }
  for (const std::shared_ptr<asio::io_context>& context : io_contexts_) context->stop();
  for (std::thread& thread : io_threads_) thread.join();
  {
    // The posted close may not have run before stop(); no io thread is left now.
    beast::error_code ignored;
    acceptor_.close(ignored);
  }
  runner_.Join();
  access_log_.FlushAll();
  spdlog::info("http: stopped");
  {
    const std::lock_guard lock(mutex_);
    shut_down_ = true;
  }
  state_changed_.notify_all();
}

// ---------------------------------------------------------------------------

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_) impl_->Shutdown();
}

Result<std::unique_ptr<Server>> StartServerWithRoutes(ServerOptions options, ServerDependencies dependencies,
                                                      RouteAdder add_routes) {
  auto impl = std::make_unique<Server::Impl>(std::move(options), std::move(dependencies));
  if (Status status = impl->Start(add_routes); !status.ok()) {
    impl->Shutdown();
    return status;
  }
  return std::make_unique<Server>(std::move(impl));
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, ServerDependencies dependencies) {
  return StartServerWithRoutes(std::move(options), std::move(dependencies), nullptr);
}

std::uint16_t Server::port() const { return impl_->port(); }
void Server::Shutdown() { impl_->Shutdown(); }
void Server::Wait() { impl_->Wait(); }

}  // namespace rapport::http
