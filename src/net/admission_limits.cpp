#include "net/admission_limits.hpp"

#include <utility>

namespace sc::net {

admission_limits::admission_limits(std::size_t total, std::size_t per_address)
    : total_(total), per_address_(per_address) {}

admission_limits::ticket::ticket(ticket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)) {}

admission_limits::ticket& admission_limits::ticket::operator=(ticket&& other) noexcept {
    if (this != &other) {
        if (owner_) owner_->release(key_);
        owner_ = std::exchange(other.owner_, nullptr);
        key_ = std::move(other.key_);
    }
    return *this;
}

admission_limits::ticket::~ticket() {
    if (owner_) owner_->release(key_);
}

admission_limits::verdict admission_limits::admit(const std::string& key, ticket& out) {
    std::lock_guard lock(mutex_);
    if (open_ >= total_) return verdict::too_many_in_all;
    if (!key.empty()) {
        auto& n = by_address_[key];
        if (n >= per_address_) return verdict::too_many_from_address;
        ++n;
    }
    ++open_;
    out = ticket(this, key);
    return verdict::admitted;
}

void admission_limits::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    --open_;
    if (key.empty()) return;
    auto it = by_address_.find(key);
    if (it != by_address_.end() && --it->second == 0) by_address_.erase(it);
}

std::size_t admission_limits::open() const {
    std::lock_guard lock(mutex_);
    return open_;
}

}  // namespace sc::net
