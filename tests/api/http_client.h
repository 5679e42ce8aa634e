// A small blocking HTTP/1.1 client for the API scenario tests (Beast, sync).
// One TestClient is one keep-alive connection; Send writes a request and reads
// one response. SendRaw writes bytes as they are (pipelining, malformed input).
//
// Thread safety: one client per thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rapport::api_test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;

  std::string Header(const std::string& name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

class TestClient {
 public:
  explicit TestClient(std::uint16_t port) : socket_(io_context_) {
    namespace asio = boost::asio;
    socket_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }

  HttpResult Send(const std::string& method, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& headers = {}, const std::string& body = "") {
    namespace http = boost::beast::http;
    http::request<http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      request.body() = body;
      request.prepare_payload();
    }
    http::write(socket_, request);
    return ReadResponse(method == "HEAD");
  }

  void SendRaw(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

  HttpResult ReadResponse(bool head_request = false) {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head_request);
    http::read(socket_, buffer_, parser);
    HttpResult result;
    const auto& message = parser.get();
    result.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      result.headers[name] = std::string(field.value());
    }
    result.body = message.body();
    result.keep_alive = message.keep_alive();
    return result;
  }

  // True when the server closed the connection (a read sees end of stream).
  bool ServerClosed() {
    boost::beast::error_code error;
    char byte;
    socket_.read_some(boost::asio::buffer(&byte, 1), error);
    return error == boost::asio::error::eof || error == boost::asio::error::connection_reset;
  }

 private:
  boost::asio::io_context io_context_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace rapport::api_test
