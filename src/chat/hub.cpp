#include "chat/hub.hpp"

#include "chat/frames.hpp"
#include "core/log.hpp"
#include "core/random.hpp"
#include "privacy/audit.hpp"
#include "privacy/evaluation.hpp"
#include "store/conversations.hpp"
#include "store/key_vault.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <numeric>

namespace sc::chat {

namespace json = boost::json;
using core::errc;

namespace {

using conversations::valid_disposition;
// What a blocked visitor is told: the same neutral words whatever the reason, so that an
// abuser learns nothing, and a person in danger is still pointed to help.
constexpr const char* service_unavailable =
    "The chat service is not available right now. If you are in danger, call 911.";

// Stored messages of one conversation, decrypted under its key as each is read.
class sealed_transcript final : public conversations::transcript {
  public:
    sealed_transcript(const privacy::secret_key& key, std::string conversation_id,
                      std::vector<store::stored_message> messages)
        : key_(key), id_(std::move(conversation_id)), messages_(std::move(messages)) {}

    std::size_t size() const override { return messages_.size(); }

    conversations::message read(std::size_t i) const override {
        const auto& m = messages_.at(i);
        return conversations::from_body(
            privacy::decrypt(key_, m.sealed_body, privacy::message_context(id_, m.seq)), m.seq,
            m.created_at);
    }

  private:
    privacy::secret_key key_;
    std::string id_;
    std::vector<store::stored_message> messages_;
};

}  // namespace

hub::hub(store::worker& store, const privacy::keyring& keys, const privacy::policy_registry& policy,
         const core::clock& clock, const hub_settings& settings)
    : store_(store),
      keys_(keys),
      policy_(policy),
      clock_(clock),
      settings_(settings),
      routing_(settings.max_chats_per_staff),
      new_chats_(settings.new_chats_per_network_per_hour),
      blocks_(clock, settings.block_duration),
      listening_(store_.listen([this](const store::change& c) { apply(c); })) {}

void hub::apply(const store::change& c) {
    // Another node's change: this one has no copy of what it carries. Until there are nodes
    // (the PostgreSQL engine), nothing here needs it; then apply() reads the rows.
    if (c.origin != node_) return;
    section lock(*this);
    switch (c.what) {
        case store::change::kind::conversation_started:
            return started(c.conversation_id);
        case store::change::kind::message_added:
            return message_added(c.conversation_id, c.seq);
        case store::change::kind::disposition_recorded:
            return disposition_recorded(c.conversation_id);
    }
}

void hub::load() {
    auto now = core::unix_seconds(clock_.now());
    auto rows = store_.call([now](store::unit_of_work& work) {
        work.conversations().close_keyless(now);
        return work.conversations().live();
    });
    auto members = store_.call([](store::unit_of_work& db) { return staff::list_members(db); });
    std::vector<std::string> unreadable;
    section lock(*this);
    for (const auto& m : members) members_[m.id] = m;
    for (const auto& r : rows) {
        conversation c;
        c.id = r.id;
        c.channel = conversations::parse_channel(r.channel).value_or(conversations::channel::chat);
        c.lang = r.lang;
        c.state = conversations::parse_status(r.status).value_or(status::closed);
        c.token_hash = r.resume_token_hash;
        try {
            c.key = keys_.unseal(r.sealed_key, r.id);
        } catch (const std::exception&) {
            // One unreadable conversation (a replaced master key) must not stop the service.
            spdlog::error("event=conversation_unreadable");
            unreadable.push_back(r.id);
            continue;
        }
        c.created_at = core::from_unix_seconds(r.created_at);
        if (r.accepted_at) c.accepted_at = core::from_unix_seconds(*r.accepted_at);
        if (r.closed_at) c.closed_at = core::from_unix_seconds(*r.closed_at);
        c.staff_id = r.staff_id;
        if (!r.sealed_intake.empty()) {
            try {
                c.intake = json::parse(privacy::decrypt(c.key, r.sealed_intake,
                                                        privacy::intake_context(r.id)))
                               .as_object();
            } catch (const std::exception&) {
                spdlog::error("event=intake_unreadable");
            }
        }
        c.log = conversations::message_log(r.last_seq);
        c.policy_version = r.policy_version;
        c.visitor_gone_at = clock_.now();  // nobody is connected after a restart
        c.needs_disposition = c.state == status::closed;
        auto ids = store_.call(
            [id = r.id](store::unit_of_work& work) { return work.conversations().client_ids(id); });
        for (const auto& m : ids) {
            c.log.remember(conversations::parse_sender(m.sender).value_or(sender::system),
                           m.client_id, m.seq);
        }
        if (c.state == status::waiting) queue_.join(c.id, c.created_at);
        if (!c.token_hash.empty()) by_token_[c.token_hash] = c.id;
        conversations_.emplace(c.id, std::move(c));
    }
    if (!unreadable.empty()) {
        store_.call([&](store::unit_of_work& work) {
            for (const auto& id : unreadable) work.conversations().close_unreadable(id, now);
        });
    }
    spdlog::info("event=conversations_loaded live={} waiting={}", conversations_.size(),
                 queue_.size());
}

// ---------------------------------------------------------------- visitor side

core::result<> hub::visitor_start(const visitor_ptr& v, json::object intake, std::string lang,
                                  const std::string& network_key) {
    section lock(*this);
    if (visitor_links_.contains(v.get())) {
        return core::fail(errc::conflict, "this connection already has a conversation");
    }
    if (blocks_.is_blocked(network_key)) return core::fail(errc::unavailable, service_unavailable);
    if (!new_chats_.allow(network_key, clock_.now())) {
        return core::fail(errc::unavailable,
                          "too many new chats from your network; please try again in a while");
    }
    conversation c;
    c.id = settings_.new_conversation_id();
    c.channel = v->channel();
    std::string token = core::new_token();
    c.token_hash = core::token_hash(token);
    c.lang = std::move(lang);
    c.created_at = clock_.now();
    c.intake = std::move(intake);
    c.network_key = network_key;
    c.policy_version = policy_.in_force(c.created_at);
    c.visitor = v;
    c.visitor_key = v.get();
    c.token_to_tell = token;

    store::conversation_row row;
    row.id = c.id;
    row.channel = conversations::name(c.channel);
    row.lang = c.lang;
    row.status = conversations::name(status::waiting);
    row.resume_token_hash = c.token_hash;
    row.sealed_key = keys_.seal(c.key, c.id);
    if (!c.intake.empty()) {
        row.sealed_intake =
            privacy::encrypt(c.key, json::serialize(c.intake), privacy::intake_context(c.id));
    }
    row.created_at = core::unix_seconds(c.created_at);
    row.policy_version = c.policy_version;

    std::string id = c.id;
    visitor_links_[v.get()] = id;
    by_token_[c.token_hash] = id;
    conversations_.emplace(id, std::move(c));
    store_.submit(
        [row = std::move(row), node = node_](store::unit_of_work& work) {
            work.keys().put(row.id, row.sealed_key);
            work.conversations().insert(row);
            work.publish({store::change::kind::conversation_started, row.id, 0, node});
        },
        [this, id](const core::result<>& r) {
            if (r) return;  // started() follows the commit
            section inner(*this);
            if (auto* conv = find(id)) {
                to_visitor(*conv, [](auto& to) {
                    to.failed({errc::internal, "the chat could not be started"});
                });
                forget(id);
            }
        });
    return {};
}

void hub::started(const std::string& conversation_id) {
    auto* conv = find(conversation_id);
    if (conv == nullptr) return;
    queue_.join(conversation_id, conv->created_at);
    spdlog::info("event=chat_started queue={}", queue_.size());
    to_visitor(*conv, [token = std::exchange(conv->token_to_tell, {}),
                       view = visitor_view_of(*conv)](auto& to) { to.started(token, view); });
    broadcast_queue();
    broadcast_overview();
}

core::result<> hub::visitor_resume(const visitor_ptr& v, const std::string& token,
                                   std::int64_t last_seq, const std::string& network_key) {
    section lock(*this);
    if (visitor_links_.contains(v.get())) {
        return core::fail(errc::conflict, "this connection already has a conversation");
    }
    auto it = by_token_.find(core::token_hash(token));
    conversation* c = it == by_token_.end() ? nullptr : find(it->second);
    if (c == nullptr || c->state == status::closed) {
        return core::fail(errc::not_found, "this chat has ended or cannot be found");
    }
    if (auto old = c->visitor.lock(); old && old.get() != v.get()) {
        visitor_links_.erase(old.get());
        to_visitor(*c, [](auto& to) { to.replaced(); });
    }
    c->visitor = v;
    c->visitor_key = v.get();
    c->network_key = network_key;
    c->visitor_replay_through = c->log.last_seq();
    visitor_links_[v.get()] = c->id;

    std::int64_t through = c->log.last_seq();
    std::int64_t after = std::clamp<std::int64_t>(last_seq, 0, through);
    auto messages = std::make_shared<std::vector<store::stored_message>>();
    std::string id = c->id;
    store_.submit(
        [messages, id, after, through](store::unit_of_work& work) {
            *messages = work.conversations().messages(id, after, through);
        },
        [this, messages, id, key = v.get()](const core::result<>& r) {
            section inner(*this);
            auto* conv = find(id);
            if (!conv || conv->visitor_key != key) return;  // gone, or resumed elsewhere since
            if (!r) {
                return to_visitor(*conv, [](auto& to) {
                    to.failed({errc::internal, "the chat could not be resumed"});
                });
            }
            // The channel reads (decrypts) the transcript where it chooses, off this thread.
            auto missed =
                std::make_shared<const sealed_transcript>(conv->key, id, std::move(*messages));
            to_visitor(*conv, [view = visitor_view_of(*conv), missed](auto& to) {
                to.resumed(view, missed);
            });
            if (conv->state == status::waiting) {
                conv->position_sent = 0;  // a new connection has not been told yet
                broadcast_queue();
            }
            to_owner(*conv, frames::staff::visitor(id, true));
        });
    return {};
}

core::result<> hub::visitor_send(visitor_key v, std::string client_id, std::string text) {
    section lock(*this);
    auto* c = visitor_conversation(v);
    if (c == nullptr) return core::fail(errc::conflict, "start or resume a chat first");
    if (c->state == status::closed || c->closing) {
        return core::fail(errc::conflict, "this chat has ended");
    }
    if (auto known = c->log.find(sender::visitor, client_id)) {
        // A resend after a lost ack: answer with the original number once it is stored.
        if (known->stored) {
            to_visitor(
                *c, [client_id, seq = known->seq](auto& to) { to.acknowledged(client_id, seq); });
        }
        return {};
    }
    if (blocks_.is_blocked(c->network_key)) {
        return core::fail(errc::unavailable, service_unavailable);
    }
    append(*c, conversations::message::visitor_text(std::move(text)), std::nullopt, client_id);
    return {};
}

core::result<> hub::visitor_typing(visitor_key v, bool active) {
    section lock(*this);
    auto* c = visitor_conversation(v);
    if (c == nullptr) return core::fail(errc::conflict, "start or resume a chat first");
    if (c->state == status::active && !blocks_.is_blocked(c->network_key)) {
        to_owner(*c, frames::staff::typing(c->id, active));
    }
    return {};
}

core::result<> hub::visitor_end(visitor_key v) {
    section lock(*this);
    auto* c = visitor_conversation(v);
    if (c == nullptr) return core::fail(errc::conflict, "start or resume a chat first");
    if (c->state != status::closed) close_conversation(*c, closed_by::visitor, "");
    return {};
}

void hub::visitor_gone(visitor_key v) {
    section lock(*this);
    auto it = visitor_links_.find(v);
    if (it == visitor_links_.end()) return;
    std::string id = it->second;
    visitor_links_.erase(it);
    auto* c = find(id);
    if (c == nullptr || c->visitor_key != v) return;
    c->visitor.reset();
    c->visitor_key = nullptr;
    c->visitor_gone_at = clock_.now();
    if (c->state == status::active) {
        to_owner(*c, frames::staff::typing(id, false));
        to_owner(*c, frames::staff::visitor(id, false));
    }
    if (c->state == status::waiting) broadcast_queue();
}

// ---------------------------------------------------------------- staff side

void hub::staff_join(const std::shared_ptr<link>& l, const staff::member& m,
                     std::string session_id) {
    section lock(*this);
    members_[m.id] = m;
    presence_.opened(m.id, l.get());
    staff_links_[l.get()] = staff_link{
        .l = l, .staff_id = m.id, .replay_through = {}, .session_id = std::move(session_id)};

    std::set<const link*> me{l.get()};
    // The state frame goes first, then each owned chat with its history.
    bool oversees = staff::oversees(m.staff_role);
    send(l,
         frames::staff::state({.id = m.id,
                               .name = m.name,
                               .role = staff::role_name(m.staff_role),
                               .available = presence_.available(m.id),
                               .max_chats = routing_.max_chats(),
                               .block_hours = settings_.block_duration.count(),
                               .now = clock_.now(),
                               .queue = queue_entries(0),
                               .queue_total = queue_.size(),
                               .staff = staff_list(),
                               .overview = oversees ? overview() : json::array{},
                               .blocks = oversees ? std::optional(block_list()) : std::nullopt}));
    for (const auto& [id, c] : conversations_) {
        if (c.staff_id == m.id && (c.state == status::active || c.needs_disposition)) {
            send_chat(id, m.id, me, 0);
        }
    }
    spdlog::info("event=staff_console_opened staff_id={}", m.id);
    broadcast_staff();
}

core::result<> hub::staff_availability(const link* l, bool available) {
    section lock(*this);
    auto* s = staff_of(l);
    if (s == nullptr) return core::fail(errc::conflict, "send hello first");
    presence_.set_available(s->staff_id, available);
    broadcast_staff();
    broadcast_queue();
    return {};
}

core::result<> hub::staff_accept(const link* l, const std::string& conversation_id) {
    section lock(*this);
    auto* s = staff_of(l);
    if (s == nullptr) return core::fail(errc::conflict, "send hello first");
    auto* c = find(conversation_id);
    if (c == nullptr) return core::fail(errc::not_found, "no such conversation");
    // A claim under way counts as taken, an end under way as ended.
    auto state = c->closing ? status::closed : c->claiming ? status::active : c->state;
    if (auto ok = routing_.may_accept(state, {s->staff_id, true, active_chats_of(s->staff_id)});
        !ok) {
        return ok.error();
    }
    std::int64_t staff_id = s->staff_id;
    c->claiming = staff_id;
    auto now = clock_.now();
    auto lost = std::make_shared<bool>(false);
    // The store decides the claim; memory follows its commit. If the chat was taken in the
    // meantime (another node), nothing of this accept is kept and the console is told.
    append(
        *c, conversations::message::advocate_joined(name_of(staff_id)), std::nullopt, "",
        {.also =
             [conversation_id, staff_id, at = core::unix_seconds(now),
              lost](store::unit_of_work& work) {
                 if (!work.conversations().claim_waiting(conversation_id, staff_id, at)) {
                     *lost = true;
                     throw store::store_error("the chat is no longer waiting");
                 }
             },
         // Before the fan-out: the chat frame carries advocate_joined in its history.
         .applied =
             [this, conversation_id, staff_id, now]() {
                 auto* conv = find(conversation_id);
                 if (conv == nullptr) return;
                 conv->claiming.reset();
                 if (conv->state != status::waiting) return;  // the visitor left meanwhile
                 conv->state = status::active;
                 conv->staff_id = staff_id;
                 conv->accepted_at = now;
                 queue_.take(conversation_id, now);
                 send_chat(conversation_id, staff_id, presence_.consoles(staff_id), 0);
                 spdlog::info("event=chat_accepted staff_id={} queue={}", staff_id, queue_.size());
                 broadcast_queue();
                 broadcast_staff();
                 broadcast_overview();
             },
         .failed =
             claim_failed(conversation_id, s->l, lost, "this chat was already taken or has ended",
                          "the chat could not be accepted; please try again")});
    return {};
}

core::result<> hub::staff_send(const link* l, const std::string& conversation_id,
                               const std::string& client_id, std::string text) {
    section lock(*this);
    auto owned = owned_conversation(l, conversation_id, false, true);
    if (!owned) return owned.error();
    auto* c = *owned;
    if (auto known = c->log.find(sender::advocate, client_id)) {
        if (known->stored) {
            to_owner(*c, frames::staff::ack(conversation_id, client_id, known->seq));
        }
        return {};
    }
    auto staff_id = *c->staff_id;
    append(*c, conversations::message::advocate_text(name_of(staff_id), std::move(text)), staff_id,
           client_id);
    return {};
}

core::result<> hub::staff_typing(const link* l, const std::string& conversation_id, bool active) {
    section lock(*this);
    auto owned = owned_conversation(l, conversation_id, false, true);
    if (!owned) return owned.error();
    to_visitor(**owned, [active](auto& to) { to.advocate_typing(active); });
    return {};
}

core::result<> hub::staff_transfer(const link* l, const std::string& conversation_id,
                                   std::int64_t to) {
    section lock(*this);
    auto owned = owned_conversation(l, conversation_id, false);
    if (!owned) return owned.error();
    auto* c = *owned;
    if (c->claiming) return core::fail(errc::conflict, "this chat is being handed on already");
    if (auto ok =
            routing_.may_transfer(*c->staff_id, {to, presence_.online(to), active_chats_of(to)});
        !ok) {
        return ok.error();
    }
    std::int64_t from = *c->staff_id;
    c->claiming = to;
    auto lost = std::make_shared<bool>(false);
    // Only the chat's holder can hand it on: the store checks that too, and memory follows.
    append(*c, conversations::message::transferred(name_of(to)), std::nullopt, "",
           {.also =
                [conversation_id, from, to, lost](store::unit_of_work& work) {
                    if (!work.conversations().claim_transfer(conversation_id, from, to)) {
                        *lost = true;
                        throw store::store_error("the chat is no longer with its holder");
                    }
                },
            // Before the fan-out: the event reaches the new holder (in the chat's history),
            // and the old one has the chat removed.
            .applied =
                [this, conversation_id, from, to]() {
                    auto* conv = find(conversation_id);
                    if (conv == nullptr) return;
                    conv->claiming.reset();
                    if (conv->state != status::active || conv->staff_id != from) return;
                    // The owner may be offline (a supervisor moving the chat of someone who left).
                    for (const auto* fl : presence_.consoles(from)) {
                        if (auto it = staff_links_.find(fl); it != staff_links_.end()) {
                            it->second.replay_through.erase(conversation_id);
                            send(it->second.l.lock(),
                                 frames::staff::removed(conversation_id,
                                                        frames::staff::removal::transferred));
                        }
                    }
                    conv->staff_id = to;
                    send_chat(conversation_id, to, presence_.consoles(to), 0);
                    spdlog::info("event=chat_transferred from_staff_id={} to_staff_id={}", from,
                                 to);
                    broadcast_staff();
                    broadcast_overview();
                },
            .failed =
                claim_failed(conversation_id, staff_of(l)->l, lost, "the chat has moved on already",
                             "the chat could not be handed on; please try again")});
    return {};
}

core::result<> hub::staff_end(const link* l, const std::string& conversation_id,
                              const std::string& disposition) {
    section lock(*this);
    if (!valid_disposition(disposition)) return conversations::disposition_error();
    auto owned = owned_conversation(l, conversation_id, true);
    if (!owned) return owned.error();
    end_chat(**owned, disposition);
    return {};
}

hub::after_commit hub::claim_failed(std::string conversation_id, std::weak_ptr<link> console,
                                    std::shared_ptr<bool> lost, std::string lost_message,
                                    std::string failed_message) {
    return [this, conversation_id = std::move(conversation_id), console = std::move(console),
            lost = std::move(lost), lost_message = std::move(lost_message),
            failed_message = std::move(failed_message)]() {
        if (auto* conv = find(conversation_id)) conv->claiming.reset();
        send(console.lock(), error_frame(*lost ? core::error{errc::conflict, lost_message}
                                               : core::error{errc::internal, failed_message}));
    };
}

void hub::end_chat(conversation& c, const std::string& disposition) {
    if (c.state == status::active) {
        close_conversation(c, closed_by::advocate, disposition);
        return;
    }
    // The visitor already left: record the disposition, then let the chat go.
    c.closing = true;
    std::string id = c.id;
    auto evaluation = record_evaluation(c, disposition);
    store_.submit(
        [id, disposition, evaluation, node = node_](store::unit_of_work& work) {
            work.conversations().set_disposition(id, disposition);
            evaluation(work);
            work.publish({store::change::kind::disposition_recorded, id, 0, node});
        },
        [this, id](const core::result<>& r) {
            if (r) return;  // disposition_recorded() follows the commit
            section inner(*this);
            auto* conv = find(id);
            if (!conv) return;
            conv->closing = false;
            to_owner(*conv, error_frame({errc::internal, "the disposition was not saved"}));
        });
}

void hub::disposition_recorded(const std::string& conversation_id) {
    auto* conv = find(conversation_id);
    if (conv == nullptr) return;
    conv->closing = false;
    to_owner(*conv, frames::staff::removed(conversation_id, frames::staff::removal::closed));
    forget(conversation_id);
    broadcast_staff();
}

core::result<> hub::staff_history(const link* l, const std::string& conversation_id,
                                  std::int64_t after_seq) {
    section lock(*this);
    auto owned = owned_conversation(l, conversation_id, true);
    if (!owned) return owned.error();
    send_chat(conversation_id, staff_of(l)->staff_id, {l}, after_seq);
    return {};
}

core::result<> hub::staff_queue_page(const link* l, std::int64_t offset) {
    section lock(*this);
    auto* s = staff_of(l);
    if (s == nullptr) return core::fail(errc::conflict, "send hello first");
    s->queue_offset = static_cast<std::size_t>(offset);
    if (auto x = s->l.lock()) send(x, queue_frame(queue_.page_start(s->queue_offset)));
    return {};
}

core::result<> hub::staff_block(const link* l, const std::string& conversation_id,
                                const std::string& reason, const std::string& disposition) {
    section lock(*this);
    if (!valid_disposition(disposition)) return conversations::disposition_error();
    auto owned = owned_conversation(l, conversation_id, true);
    if (!owned) return owned.error();
    auto* c = *owned;
    auto staff_id = staff_of(l)->staff_id;
    auto placed = blocks_.place(c->network_key, staff_id, reason);
    if (!placed) return placed.error();
    auto now = clock_.now();
    store_.submit(
        [now, staff_id, id = placed->id](store::unit_of_work& db) {
            privacy::audit(db, now, staff_id, "visitor_blocked", id);
        },
        [](const core::result<>& r) {
            if (!r) spdlog::error("event=audit_not_stored action=visitor_blocked");
        });
    if (auto x = staff_of(l)->l.lock()) {
        send(x, frames::staff::blocked(conversation_id, placed->id, placed->expires_at));
    }
    spdlog::info("event=visitor_blocked staff_id={} reason={}", staff_id, reason);
    end_chat(*c, disposition);
    broadcast_blocks();
    return {};
}

core::result<> hub::staff_blocks(const link* l) {
    section lock(*this);
    auto s = overseer(l);
    if (!s) return s.error();
    if (auto x = (*s)->l.lock()) send(x, frames::staff::blocks(clock_.now(), block_list()));
    return {};
}

core::result<> hub::staff_unblock(const link* l, const std::string& block_id) {
    section lock(*this);
    auto s = overseer(l);
    if (!s) return s.error();
    if (auto r = blocks_.lift(block_id); !r) return r.error();
    auto staff_id = (*s)->staff_id;
    auto now = clock_.now();
    store_.submit(
        [now, staff_id, block_id](store::unit_of_work& db) {
            privacy::audit(db, now, staff_id, "visitor_block_lifted", block_id);
        },
        [](const core::result<>& r) {
            if (!r) spdlog::error("event=audit_not_stored action=visitor_block_lifted");
        });
    if (auto x = (*s)->l.lock()) {
        send(x, frames::staff::unblocked(block_id));
    }
    spdlog::info("event=visitor_block_lifted staff_id={}", staff_id);
    broadcast_blocks();
    return {};
}

void hub::staff_gone(const link* l) {
    section lock(*this);
    auto it = staff_links_.find(l);
    if (it == staff_links_.end()) return;
    auto staff_id = it->second.staff_id;
    staff_links_.erase(it);
    if (presence_.closed(staff_id, l)) {
        spdlog::info("event=staff_offline staff_id={}", staff_id);
        broadcast_staff();
        broadcast_queue();
    }
}

void hub::disconnect_staff(std::int64_t staff_id) {
    section lock(*this);
    for (const auto* l : presence_.consoles(staff_id)) {
        if (auto it = staff_links_.find(l); it != staff_links_.end()) {
            send_close(it->second.l.lock(), close_status::signed_out, "signed out");
        }
    }
}

void hub::disconnect_session(const std::string& session_id) {
    section lock(*this);
    for (const auto& [l, s] : staff_links_) {
        if (s.session_id != session_id) continue;
        send_close(s.l.lock(), close_status::signed_out, "signed out");
    }
}

void hub::forget_purged(const std::vector<std::string>& conversation_ids) {
    section lock(*this);
    for (const auto& id : conversation_ids) {
        auto* c = find(id);
        if (c == nullptr) continue;
        to_owner(*c, frames::staff::removed(id, frames::staff::removal::purged));
        forget(id);
    }
}

void hub::close_abandoned(std::chrono::seconds grace) {
    section lock(*this);
    auto now = clock_.now();
    std::vector<std::string> abandoned;
    for (const auto& e : queue_.entries()) {
        auto* c = find(e.id);
        if (c && c->visitor_key == nullptr && now - c->visitor_gone_at >= grace) {
            abandoned.push_back(e.id);
        }
    }
    for (const auto& id : abandoned) close_conversation(*find(id), closed_by::visitor, "");
    if (!abandoned.empty()) spdlog::info("event=abandoned_chats_closed count={}", abandoned.size());
}

hub::counts hub::snapshot() const {
    std::lock_guard lock(mutex_);
    counts out;
    out.waiting = queue_.size();
    for (const auto& [id, c] : conversations_) {
        if (c.state == status::active) ++out.active;
    }
    out.staff_online = presence_.online_count();
    return out;
}

// ---------------------------------------------------------------- internals

hub::section::section(hub& h) : hub_(h), lock_(h.mutex_) {}

hub::section::~section() { hub_.outbox_.deliver(lock_); }

void hub::send(const std::shared_ptr<link>& to, frame_ptr frame) {
    outbox_.send(to, std::move(frame));
}

void hub::send(const std::shared_ptr<link>& to, deferred_ptr frame) {
    outbox_.send(to, std::move(frame));
}

void hub::send(const std::shared_ptr<link>& to, std::string frame) {
    send(to, make_frame(std::move(frame)));
}

void hub::send_close(const std::shared_ptr<link>& to, std::uint16_t code, std::string reason) {
    outbox_.close(to, code, std::move(reason));
}

hub::conversation* hub::find(const std::string& id) {
    auto it = conversations_.find(id);
    return it == conversations_.end() ? nullptr : &it->second;
}

hub::conversation* hub::visitor_conversation(visitor_key v) {
    auto it = visitor_links_.find(v);
    if (it == visitor_links_.end()) return nullptr;
    return find(it->second);
}

hub::staff_link* hub::staff_of(const link* l) {
    auto it = staff_links_.find(l);
    return it == staff_links_.end() ? nullptr : &it->second;
}

core::result<hub::conversation*> hub::owned_conversation(const link* l, const std::string& id,
                                                         bool allow_closed, bool owner_only) {
    auto* s = staff_of(l);
    if (s == nullptr) return core::fail(errc::conflict, "send hello first");
    auto* c = find(id);
    if (c == nullptr) return core::fail(errc::not_found, "no such conversation");
    bool overseer = !owner_only && oversees(s->staff_id);
    if (c->staff_id != s->staff_id && !(overseer && c->staff_id)) {
        return core::fail(errc::forbidden, owner_only ? "only the chat's advocate writes in it"
                                                      : "this chat is not yours");
    }
    if (c->closing) return core::fail(errc::conflict, "this chat is ending");
    bool open = c->state == status::active || (allow_closed && c->needs_disposition);
    if (!open) {
        return core::fail(errc::conflict, c->state == status::waiting ? "accept this chat first"
                                                                      : "this chat has ended");
    }
    return c;
}

core::result<hub::staff_link*> hub::overseer(const link* l) {
    auto* s = staff_of(l);
    if (s == nullptr) return core::fail(errc::conflict, "send hello first");
    if (!oversees(s->staff_id)) {
        return core::fail(errc::forbidden, "only supervisors and administrators manage blocks");
    }
    return s;
}

void hub::append(conversation& c, conversations::message body, std::optional<std::int64_t> staff_id,
                 const std::string& client_id, commit_hooks hooks) {
    auto now = clock_.now();
    auto from = body.from;
    pending_message p;
    p.conversation_id = c.id;
    p.number = c.log.reserve(from, client_id);
    p.from = from;
    p.client_id = client_id;
    p.staff_id = staff_id;
    body.seq = p.number.seq;
    body.at = core::unix_seconds(now);
    store::stored_message row;
    row.seq = body.seq;
    row.sender = conversations::name(from);
    row.staff_id = staff_id;
    row.client_id = client_id;
    row.sealed_body = privacy::encrypt(c.key, conversations::body_text(body),
                                       privacy::message_context(c.id, row.seq));
    row.created_at = body.at;
    if (from == sender::visitor) row.policy_version = policy_.in_force(now);
    p.message = std::make_shared<const conversations::message>(std::move(body));
    p.applied = std::move(hooks.applied);
    p.then = std::move(hooks.then);
    auto seq = p.number.seq;
    c.pending.insert_or_assign(seq, std::move(p));
    store_.submit(
        [id = c.id, row = std::move(row), also = std::move(hooks.also),
         node = node_](store::unit_of_work& work) {
            if (also) also(work);
            work.conversations().append_message(id, row);
            work.publish({store::change::kind::message_added, id, row.seq, node});
        },
        [this, id = c.id, seq, failed = std::move(hooks.failed)](const core::result<>& r) {
            if (r) return;  // message_added() follows the commit
            section lock(*this);
            spdlog::error("event=message_not_stored");
            auto* conv = find(id);
            if (conv == nullptr) return;
            auto lost = take_pending(*conv, seq);
            if (!lost) return;
            // The next message takes this one's number: clients never see a gap.
            conv->log.failed(lost->number, lost->from, lost->client_id);
            if (failed) return failed();
            core::error unsaved{errc::internal, "the message was not saved; please send it again"};
            if (lost->from == sender::visitor) {
                to_visitor(*conv, [unsaved, client_id = lost->client_id](auto& to) {
                    to.failed(unsaved, client_id);
                });
            } else {
                to_owner(*conv, error_frame(unsaved, lost->client_id));
            }
        });
}

void hub::message_added(const std::string& conversation_id, std::int64_t seq) {
    auto* conv = find(conversation_id);
    if (conv == nullptr) return;
    auto p = take_pending(*conv, seq);
    if (!p) return;
    if (p->applied) p->applied();
    on_stored(*p);
    if (p->then) p->then();
}

std::optional<hub::pending_message> hub::take_pending(conversation& c, std::int64_t seq) {
    auto it = c.pending.find(seq);
    if (it == c.pending.end()) return std::nullopt;
    auto p = std::move(it->second);
    c.pending.erase(it);
    return p;
}

void hub::on_stored(const pending_message& p) {
    auto* c = find(p.conversation_id);
    if (c == nullptr) return;
    c->log.stored(p.from, p.client_id);
    auto seq = p.number.seq;
    // The ack goes out even for a message the resume replay already carried: a client that
    // resent it is waiting for it, and acks are idempotent.
    bool ack = p.from == sender::visitor && !p.client_id.empty();
    bool missed = seq > c->visitor_replay_through;
    if (ack || missed) {
        to_visitor(*c, [ack, missed, id = p.client_id, m = p.message](auto& to) {
            if (ack) to.acknowledged(id, m->seq);
            if (missed) to.message(m);
        });
    }
    if (!c->staff_id) return;
    frame_ptr staff_message;  // encoded once, for every console of the owner
    for (const auto* l : presence_.consoles(*c->staff_id)) {
        auto it = staff_links_.find(l);
        if (it == staff_links_.end()) continue;
        auto through = it->second.replay_through.find(c->id);
        if (through == it->second.replay_through.end() || seq <= through->second) continue;
        auto x = it->second.l.lock();
        if (!x) continue;
        if (p.from == sender::advocate && !p.client_id.empty()) {
            send(x, frames::staff::ack(c->id, p.client_id, seq));
        }
        if (!staff_message) {
            staff_message =
                make_frame(frames::staff::message(c->id, frames::message_object(*p.message)));
        }
        send(x, staff_message);
    }
}

void hub::send_chat(const std::string& conversation_id, std::int64_t staff_id,
                    const std::set<const link*>& to, std::int64_t after_seq) {
    auto* c = find(conversation_id);
    if (c == nullptr) return;
    std::int64_t through = c->log.last_seq();
    for (const auto* l : to) {
        if (auto it = staff_links_.find(l); it != staff_links_.end()) {
            it->second.replay_through[conversation_id] = through;
        }
    }
    auto messages = std::make_shared<std::vector<store::stored_message>>();
    auto now = clock_.now();
    store_.submit(
        [messages, conversation_id, after_seq, through, staff_id, now](store::unit_of_work& db) {
            *messages = db.conversations().messages(conversation_id, after_seq, through);
            privacy::audit(db, now, staff_id, "transcript_opened", conversation_id);
        },
        [this, messages, conversation_id, to](const core::result<>& r) {
            section lock(*this);
            auto* conv = find(conversation_id);
            if (conv == nullptr) return;
            // The history is decrypted by the first console's connection to write it, on its
            // own thread, and shared with the others.
            deferred_ptr frame;
            if (r) {
                auto history = std::make_shared<const sealed_transcript>(conv->key, conversation_id,
                                                                         std::move(*messages));
                frame = std::make_shared<deferred_frame>([history, fields = chat_fields_of(
                                                                       *conv)]() mutable {
                    try {
                        for (std::size_t i = 0; i < history->size(); ++i) {
                            fields.messages.push_back(frames::message_object(history->read(i)));
                        }
                        return frames::staff::chat(std::move(fields));
                    } catch (const std::exception&) {
                        spdlog::error("event=message_unreadable");
                        return error_frame({errc::internal, "the chat history could not be read"});
                    }
                });
            } else {
                frame = std::make_shared<deferred_frame>([] {
                    return error_frame({errc::internal, "the chat history could not be read"});
                });
            }
            for (const auto* l : to) {
                auto it = staff_links_.find(l);
                if (it == staff_links_.end()) continue;
                if (auto x = it->second.l.lock()) send(x, frame);
            }
        });
}

void hub::close_conversation(conversation& c, closed_by by, const std::string& disposition) {
    if (c.closing) return;  // already ending
    auto outcome = conversations::close(c.state, by, c.staff_id.has_value(), disposition);
    c.closing = true;
    std::string id = c.id;
    std::string who(conversations::name(by));
    auto now = clock_.now();
    extra_work evaluation;
    if (!outcome.advocate_owes_disposition) evaluation = record_evaluation(c, outcome.disposition);
    // Memory follows the commit: until the store has the end, the chat stays as it was (and
    // refuses new messages), so a failed commit leaves both sides agreeing it is still open.
    append(c, conversations::message::ended(by), std::nullopt, "",
           {.also =
                [id, who, at = core::unix_seconds(now), disposition,
                 evaluation](store::unit_of_work& work) {
                    work.conversations().mark_closed(id, who, at);
                    if (!disposition.empty()) work.conversations().set_disposition(id, disposition);
                    if (evaluation) evaluation(work);
                },
            .applied =
                [this, id, who, now, owes = outcome.advocate_owes_disposition]() {
                    auto* conv = find(id);
                    if (conv == nullptr) return;
                    conv->closing = false;
                    bool was_waiting = conv->state == status::waiting;
                    conv->state = status::closed;
                    conv->closed_at = now;
                    conv->needs_disposition = owes;
                    by_token_.erase(conv->token_hash);
                    if (was_waiting) {
                        queue_.leave(id);
                        broadcast_queue();
                    }
                    spdlog::info("event=chat_closed by={}", who);
                },
            .then =
                [this, id, who, by]() {
                    auto* conv = find(id);
                    if (conv == nullptr) return;
                    to_visitor(*conv, [by](auto& to) { to.ended(by); });
                    // The visitor's connection may start a new chat now.
                    if (conv->visitor_key) visitor_links_.erase(conv->visitor_key);
                    conv->visitor.reset();
                    conv->visitor_key = nullptr;
                    if (conv->needs_disposition) {
                        to_owner(*conv, frames::staff::ended(id, who));
                    } else {
                        to_owner(*conv, frames::staff::removed(id, frames::staff::removal::closed));
                        forget(id);
                    }
                    broadcast_staff();
                    broadcast_overview();
                },
            .failed =
                [this, id, by]() {
                    auto* conv = find(id);
                    if (conv == nullptr) return;
                    conv->closing = false;
                    core::error unsaved{errc::internal,
                                        "the chat could not be ended; please try again"};
                    if (by == closed_by::visitor) {
                        to_visitor(*conv, [unsaved](auto& to) { to.failed(unsaved); });
                    } else {
                        to_owner(*conv, error_frame(unsaved));
                    }
                }});
}

hub::extra_work hub::record_evaluation(const conversation& c,
                                       const std::string& disposition) const {
    privacy::conversation_facts facts;
    facts.channel = conversations::name(c.channel);
    facts.lang = c.lang;
    facts.created_at = c.created_at;
    facts.accepted_at = c.accepted_at;
    facts.closed_at = c.closed_at.value_or(clock_.now());
    facts.intake = c.intake;
    facts.disposition = disposition;
    facts.policy_version = c.policy_version;
    auto record = privacy::evaluate(facts);
    return [record, id = c.id](store::unit_of_work& work) {
        if (work.conversations().claim_evaluation(id)) privacy::insert_evaluation(work, record);
    };
}

void hub::forget(const std::string& conversation_id) {
    auto* c = find(conversation_id);
    if (c == nullptr) return;
    by_token_.erase(c->token_hash);
    if (c->visitor_key) visitor_links_.erase(c->visitor_key);
    queue_.leave(conversation_id);
    for (auto& [l, s] : staff_links_) s.replay_through.erase(conversation_id);
    conversations_.erase(conversation_id);
}

conversations::visitor_view hub::visitor_view_of(const conversation& c) const {
    std::optional<std::string> advocate;
    if (c.staff_id) advocate = advocate_name(c);
    return {.state = c.state, .last_seq = c.log.last_seq(), .advocate = advocate};
}

frames::staff::chat_fields hub::chat_fields_of(const conversation& c) {
    return {.conversation_id = c.id,
            .status = std::string(conversations::name(c.state)),
            .visitor_connected = c.visitor_key != nullptr,
            .waiting_since = c.created_at,
            .intake = c.intake,
            .lang = c.lang,
            .needs_disposition = c.needs_disposition,
            .accepted_at = c.accepted_at,
            .messages = {}};
}

std::string hub::advocate_name(const conversation& c) const {
    if (!c.staff_id) return {};
    auto it = members_.find(*c.staff_id);
    return it == members_.end() ? std::string("an advocate") : it->second.name;
}

std::string hub::name_of(std::int64_t staff_id) const {
    auto it = members_.find(staff_id);
    return it == members_.end() ? std::string() : it->second.name;
}

bool hub::oversees(std::int64_t staff_id) const {
    auto it = members_.find(staff_id);
    return it != members_.end() && presence_.online(staff_id) &&
           staff::oversees(it->second.staff_role);
}

int hub::active_chats_of(std::int64_t staff_id) const {
    int n = 0;
    for (const auto& [id, c] : conversations_) {
        // A claim under way for this member counts too: it is about to be theirs.
        bool theirs = c.state == status::active && c.staff_id == staff_id;
        if (theirs || c.claiming == staff_id) ++n;
    }
    return n;
}

std::size_t hub::available_advocates() const { return presence_.available_count(); }

void hub::to_visitor(const conversation& c,
                     std::function<void(conversations::visitor_endpoint&)> tell) {
    outbox_.tell(c.visitor.lock(), std::move(tell));
}

void hub::to_owner(const conversation& c, const frame_ptr& frame) {
    if (c.staff_id) to_staff(*c.staff_id, frame);
}

void hub::to_staff(std::int64_t staff_id, const frame_ptr& frame) {
    for (const auto* l : presence_.consoles(staff_id)) {
        auto it = staff_links_.find(l);
        if (it == staff_links_.end()) continue;
        if (auto x = it->second.l.lock()) send(x, frame);
    }
}

void hub::broadcast_queue() {
    // Each console gets the page it looks at; most look at the first, so few are built.
    std::map<std::size_t, frame_ptr> pages;
    for (const auto& [l, s] : staff_links_) {
        auto offset = queue_.page_start(s.queue_offset);
        auto page = pages.find(offset);
        if (page == pages.end()) {
            page = pages.emplace(offset, make_frame(queue_frame(offset))).first;
        }
        if (auto x = s.l.lock()) send(x, page->second);
    }
    std::size_t position = 0;
    auto available = available_advocates();
    for (const auto& e : queue_.entries()) {
        ++position;
        auto* c = find(e.id);
        if (c == nullptr || c->visitor_key == nullptr) continue;
        // Only what changed: with many waiting, every accept moves everyone.
        auto estimate = queue_.estimated_wait(position, available).count();
        if (c->position_sent == position && c->estimate_sent == estimate) continue;
        c->position_sent = position;
        c->estimate_sent = estimate;
        to_visitor(*c, [position, estimate](auto& to) {
            to.waiting(position, std::chrono::seconds(estimate));
        });
    }
}

std::string hub::queue_frame(std::size_t offset) const {
    return frames::staff::queue(clock_.now(), queue_.size(), offset, queue_entries(offset));
}

json::array hub::block_list() {
    json::array list;
    for (const auto& b : blocks_.active()) {
        list.push_back(frames::staff::block(b.id, b.placed_by, name_of(b.placed_by), b.placed_at,
                                            b.expires_at, b.reason));
    }
    return list;
}

void hub::broadcast_blocks() {
    frame_ptr frame;
    for (const auto& [l, s] : staff_links_) {
        if (!oversees(s.staff_id)) continue;
        if (!frame) frame = make_frame(frames::staff::blocks(clock_.now(), block_list()));
        if (auto x = s.l.lock()) send(x, frame);
    }
}

void hub::broadcast_staff() {
    auto frame = make_frame(frames::staff::staff(staff_list()));
    for (const auto& [l, s] : staff_links_) {
        if (auto x = s.l.lock()) send(x, frame);
    }
}

void hub::broadcast_overview() {
    frame_ptr frame;
    for (const auto& [l, s] : staff_links_) {
        if (!oversees(s.staff_id)) continue;
        if (!frame) {
            frame = make_frame(frames::staff::overview(overview(), queue_.size()));
        }
        if (auto x = s.l.lock()) send(x, frame);
    }
}

json::array hub::queue_entries(std::size_t offset) const {
    json::array out;
    for (const auto& e : queue_.page(offset)) {
        auto it = conversations_.find(e.id);
        if (it == conversations_.end()) continue;
        const auto& c = it->second;
        out.push_back(frames::staff::queue_entry(e.id, c.created_at, !c.intake.empty(),
                                                 c.visitor_key != nullptr, c.lang));
    }
    return out;
}

json::array hub::staff_list() const {
    json::array out;
    for (auto id : presence_.online_members()) {
        const auto& who = members_.at(id);
        out.push_back(frames::staff::member(id, who.name, staff::role_name(who.staff_role),
                                            presence_.available(id), active_chats_of(id)));
    }
    return out;
}

json::array hub::overview() const {
    json::array out;
    // Like the queue, only the head of a long one: every change sends this to every overseer.
    for (const auto& e : queue_.page(0)) {
        auto it = conversations_.find(e.id);
        if (it == conversations_.end()) continue;
        out.push_back(
            frames::staff::overview_chat(e.id, it->second.created_at, std::nullopt, std::nullopt));
    }
    for (const auto& [id, c] : conversations_) {
        if (c.state != status::active) continue;
        out.push_back(
            frames::staff::overview_chat(id, c.created_at, advocate_name(c), *c.accepted_at));
    }
    return out;
}

}  // namespace sc::chat
