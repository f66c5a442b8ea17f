#include "alerts/senders.h"

#include <Poco/Exception.h>
#include <Poco/Message.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/RemoteSyslogChannel.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/SyslogChannel.h>
#include <Poco/URI.h>

#include <chrono>

#include "common/digest.h"
#include "tls/http_client_session.h"
#include "tls/tls_context.h"

namespace pathhub::alerts {
namespace {

std::int64_t epochSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Poco::Message::Priority priority(const Notice& n) {
  if (n.kind == "resolved") return Poco::Message::PRIO_NOTICE;
  if (n.severity == "critical") return Poco::Message::PRIO_CRITICAL;
  if (n.severity == "warning") return Poco::Message::PRIO_WARNING;
  return Poco::Message::PRIO_INFORMATION;
}

}  // namespace

Result<void> sendEmail(const config::SmtpConfig& smtp, const std::vector<std::string>& to,
                       const Notice& notice) {
  try {
    Poco::Net::SecureSMTPClientSession session(smtp.host, static_cast<Poco::UInt16>(smtp.port));
    session.setTimeout(Poco::Timespan(smtp.timeout.count(), 0));
    session.login();
    if (smtp.tls == "starttls") {
      auto context = tls::clientContext({"", "", smtp.caFile});
      if (!context) return tl::unexpected(context.error());
      // Never falls back to plain text: a server that does not offer STARTTLS is an error.
      if (!session.startTLS(*context)) {
        return fail(ErrorCode::kUnavailable, "SMTP server " + smtp.host +
                                                 " does not offer STARTTLS (tls=\"none\" sends"
                                                 " in plain text)");
      }
    }
    if (!smtp.user.empty()) {
      session.login(smtp.auth == "login" ? Poco::Net::SMTPClientSession::AUTH_LOGIN
                                         : Poco::Net::SMTPClientSession::AUTH_PLAIN,
                    smtp.user, smtp.password);
    }
    Poco::Net::MailMessage mail;
    mail.setSender(smtp.from);
    for (const auto& address : to) {
      mail.addRecipient(
          Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, address));
    }
    mail.setSubject(Poco::Net::MailMessage::encodeWord(noticeSubject(notice), "UTF-8"));
    mail.set("Auto-Submitted", "auto-generated");  // RFC 3834: no auto-replies, please
    mail.setContentType("text/plain; charset=UTF-8");
    mail.setContent(noticeText(notice), Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
    session.sendMessage(mail);
    session.close();
    return {};
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "email through " + smtp.host + ":" +
                                             std::to_string(smtp.port) + ": " + e.displayText());
  }
}

std::string webhookSignature(const std::string& secret, std::int64_t timestamp,
                             const std::string& body) {
  return "sha256=" + hmacSha256Hex(secret, std::to_string(timestamp) + "." + body);
}

Result<void> postWebhook(const config::WebhookConfig& hook, const Notice& notice) {
  const std::string body = webhookBody(notice, hook.format);
  try {
    const Poco::URI url(hook.url);
    tls::TlsSettings settings;
    settings.caFile = hook.caFile;
    auto session = tls::httpClientSession(url, settings, Poco::Timespan(30, 0));
    if (!session) return tl::unexpected(session.error());
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST,
                                   url.getPathAndQuery().empty() ? "/" : url.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    const std::int64_t now = epochSeconds();
    request.set("X-Pathhub-Timestamp", std::to_string(now));
    if (!hook.secret.empty()) {
      request.set("X-Pathhub-Signature", webhookSignature(hook.secret, now, body));
    }
    (*session)->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = (*session)->receiveResponse(response);
    std::string answer;
    Poco::StreamCopier::copyToString(in, answer);
    if (response.getStatus() / 100 != 2) {
      return fail(ErrorCode::kUnavailable, "webhook " + hook.name + ": HTTP " +
                                               std::to_string(response.getStatus()) + " " +
                                               response.getReason());
    }
    return {};
  } catch (const Poco::Exception& e) {
    return fail(ErrorCode::kUnavailable, "webhook " + hook.name + ": " + e.displayText());
  }
}

SyslogSender::SyslogSender(const config::SyslogConfig& syslog) : host_(syslog.host) {
  // Poco's channels name the facilities differently: the local one as syslog.h does
  // ("LOG_LOCAL0"), the remote one without the prefix ("LOCAL0"); each ignores the other's.
  const std::string facility = Poco::toUpper(syslog.facility);
  if (host_.empty()) {
    channel_ = new Poco::SyslogChannel("pathhub", Poco::SyslogChannel::SYSLOG_PID,
                                       Poco::SyslogChannel::SYSLOG_LOCAL0);
    channel_->setProperty(Poco::SyslogChannel::PROP_FACILITY, "LOG_" + facility);
  } else {
    const std::string address = host_.find(':') == std::string::npos ? host_ + ":514" : host_;
    channel_ = new Poco::Net::RemoteSyslogChannel(address, "pathhub");
    channel_->setProperty(Poco::Net::RemoteSyslogChannel::PROP_FACILITY, facility);
  }
}

SyslogSender::~SyslogSender() {
  if (!channel_) return;
  try {
    channel_->close();
  } catch (const Poco::Exception&) {
    // Closing a datagram socket or the syslog connection: nothing left to tell anyone.
  }
  channel_->release();
}

Result<void> SyslogSender::send(const Notice& notice) {
  try {
    channel_->open();
    channel_->log(Poco::Message("pathhub", noticeSubject(notice), priority(notice)));
    return {};
  } catch (const Poco::Exception& e) {
    return fail(
        ErrorCode::kUnavailable,
        "syslog" + (host_.empty() ? std::string() : " to " + host_) + ": " + e.displayText());
  }
}

}  // namespace pathhub::alerts
