#include "chat/outbox.hpp"

namespace sc::chat {

void outbox::send(const std::shared_ptr<link>& to, frame_ptr frame) {
    if (to) items_.push_back({.to = to, .frame = std::move(frame)});
}

void outbox::send(const std::shared_ptr<link>& to, deferred_ptr frame) {
    if (to) items_.push_back({.to = to, .deferred = std::move(frame)});
}

void outbox::close(const std::shared_ptr<link>& to, std::uint16_t code, std::string reason) {
    if (to) items_.push_back({.to = to, .close_code = code, .close_reason = std::move(reason)});
}

void outbox::tell(std::shared_ptr<conversations::visitor_endpoint> to, endpoint_call call) {
    if (to) items_.push_back({.visitor = std::move(to), .call = std::move(call)});
}

void outbox::deliver(std::unique_lock<std::mutex>& decided) {
    if (items_.empty()) {  // nothing to keep in order
        decided.unlock();
        return;
    }
    auto out = std::move(items_);
    items_.clear();
    std::lock_guard delivering(delivering_);
    decided.unlock();
    for (auto& o : out) {
        if (o.visitor) {
            o.call(*o.visitor);
        } else if (o.frame) {
            o.to->deliver(std::move(o.frame));
        } else if (o.deferred) {
            o.to->deliver(o.deferred);
        } else {
            o.to->close(o.close_code, std::move(o.close_reason));
        }
    }
}

}  // namespace sc::chat
