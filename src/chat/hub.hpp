// The live chat hub: the queue, who is signed in, and every open conversation. It keeps live
// state in memory and the truth in the store: each message is persisted (encrypted) before
// anyone is told of it, and a link that (re)joins first gets a replay of what it missed.
//
// Threading: every public function may be called from any thread; one mutex guards the
// state. Store completions arrive on the store worker's thread and take the same mutex.
// Links are told things through link::deliver, which never blocks.
#pragma once

#include "chat/frames.hpp"
#include "chat/link.hpp"
#include "chat/outbox.hpp"
#include "chat/visitor_blocks.hpp"
#include "conversations/closing.hpp"
#include "conversations/message.hpp"
#include "conversations/message_log.hpp"
#include "conversations/new_chat_limit.hpp"
#include "conversations/presence.hpp"
#include "conversations/queue.hpp"
#include "conversations/routing.hpp"
#include "conversations/types.hpp"
#include "conversations/visitor_endpoint.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "privacy/keyring.hpp"
#include "privacy/policy.hpp"
#include "staff/accounts.hpp"
#include "store/worker.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace sc::chat {

struct hub_settings {
    int max_chats_per_staff = 3;
    int new_chats_per_network_per_hour = 30;
    std::chrono::hours block_duration{24};
    /// Draws the id of a new conversation. Tests replace it to give two stores one id.
    std::function<std::string()> new_conversation_id = [] { return core::random_hex(16); };
};

using extra_work = std::function<void(store::unit_of_work&)>;
using after_commit = std::function<void()>;
/// What happens around a message's commit, besides storing it. All run under the lock.
struct commit_hooks {
    extra_work also = {};       // more writes in the message's transaction
    after_commit applied = {};  // memory follows the commit, before the message fans out
    after_commit then = {};     // after the message fanned out
    after_commit failed = {};   // instead of the usual "not saved" error to its sender
};

class hub {
  public:
    hub(store::worker& store, const privacy::keyring& keys, const privacy::policy_registry& policy,
        const core::clock& clock, const hub_settings& settings);

    /// Loads live conversations from the store; call once before serving.
    void load();

    // Visitor side, from any channel. `v` identifies the visitor's connection for the rest
    // of its life. Each returns an error the caller should report at once; later outcomes
    // (stored, failed to store) reach the endpoint.
    using visitor_ptr = std::shared_ptr<conversations::visitor_endpoint>;
    using visitor_key = const conversations::visitor_endpoint*;
    core::result<> visitor_start(const visitor_ptr& v, boost::json::object intake, std::string lang,
                                 const std::string& network_key);
    core::result<> visitor_resume(const visitor_ptr& v, const std::string& token,
                                  std::int64_t last_seq, const std::string& network_key);
    core::result<> visitor_send(visitor_key v, std::string client_id, std::string text);
    core::result<> visitor_typing(visitor_key v, bool active);
    core::result<> visitor_end(visitor_key v);
    void visitor_gone(visitor_key v);

    // Staff side.
    /// `session_id` names the staff session the console was opened with (staff/sessions.hpp).
    void staff_join(const std::shared_ptr<link>& l, const staff::member& m,
                    std::string session_id = {});
    core::result<> staff_availability(const link* l, bool available);
    core::result<> staff_accept(const link* l, const std::string& conversation_id);
    core::result<> staff_send(const link* l, const std::string& conversation_id,
                              const std::string& client_id, std::string text);
    core::result<> staff_typing(const link* l, const std::string& conversation_id, bool active);
    core::result<> staff_transfer(const link* l, const std::string& conversation_id,
                                  std::int64_t to);
    core::result<> staff_end(const link* l, const std::string& conversation_id,
                             const std::string& disposition);
    core::result<> staff_history(const link* l, const std::string& conversation_id,
                                 std::int64_t after_seq);
    /// Shows this console the queue from `offset` (0: the oldest), a page at a time; later
    /// queue updates keep showing it that page.
    core::result<> staff_queue_page(const link* l, std::int64_t offset);
    /// Ends the chat (recording `disposition`) and blocks its visitor's network key: new
    /// chats and messages from it are refused until the block expires or is lifted.
    core::result<> staff_block(const link* l, const std::string& conversation_id,
                               const std::string& reason, const std::string& disposition);
    /// Supervisors and admins: the active blocks, and lifting one early.
    core::result<> staff_blocks(const link* l);
    core::result<> staff_unblock(const link* l, const std::string& block_id);
    void staff_gone(const link* l);
    /// Closes every console of a member (sign-out everywhere, account disabled).
    void disconnect_staff(std::int64_t staff_id);
    /// Closes the consoles opened with one staff session (its sign-out).
    void disconnect_session(const std::string& session_id);
    /// The purge erased these conversations: drop any that are still shown.
    void forget_purged(const std::vector<std::string>& conversation_ids);
    /// Takes out of the queue every waiting chat whose visitor has been gone for `grace`
    /// (closed the tab, lost the phone): nobody is left to answer.
    void close_abandoned(std::chrono::seconds grace);

    struct counts {
        std::size_t waiting = 0;
        std::size_t active = 0;
        std::size_t staff_online = 0;
    };
    counts snapshot() const;

  private:
    using status = conversations::status;
    using sender = conversations::sender;
    using closed_by = conversations::closed_by;
    /// A message on its way to the store, kept until the store says it was added or failed.
    struct pending_message {
        std::string conversation_id;
        conversations::message_log::reservation number;
        sender from = sender::system;
        std::string client_id;
        std::optional<std::int64_t> staff_id;
        conversations::message_ptr message;
        after_commit applied;  // commit_hooks::applied and then
        after_commit then;
    };
    struct conversation {
        std::string id;
        conversations::channel channel = conversations::channel::chat;
        std::string lang;
        status state = status::waiting;
        std::string token_hash;
        privacy::secret_key key;
        core::time_point created_at{};
        std::optional<core::time_point> accepted_at;
        std::optional<core::time_point> closed_at;
        std::optional<std::int64_t> staff_id;
        /// An accept or a transfer to this member is waiting for the store's decision.
        std::optional<std::int64_t> claiming;
        /// Its end is waiting for the store: nothing more may be added to it.
        bool closing = false;
        boost::json::object intake;
        std::string network_key;  // of the visitor's latest connection; memory only
        conversations::message_log log;
        std::weak_ptr<conversations::visitor_endpoint> visitor;
        const conversations::visitor_endpoint* visitor_key = nullptr;
        core::time_point visitor_gone_at{};  // when the last visitor connection ended
        std::int64_t visitor_replay_through = 0;
        bool needs_disposition = false;
        std::int64_t policy_version = 1;
        std::size_t position_sent = 0;  // last queue position told to the visitor
        std::int64_t estimate_sent = -1;
        /// The visitor's resume token, told once the start commits; memory only.
        std::string token_to_tell;
        std::map<std::int64_t, pending_message> pending;  // by seq
    };
    struct staff_link {
        std::weak_ptr<link> l;
        std::int64_t staff_id = 0;
        std::map<std::string, std::int64_t> replay_through;
        std::size_t queue_offset = 0;  // the queue page this console asked for
        std::string session_id;
    };
    using extra_work = chat::extra_work;
    using after_commit = chat::after_commit;

    /// The hub's lock, held for the life of the object, and what was decided under it: what
    /// the hub sends while it holds the lock is queued, and delivered once it is released.
    class section {
      public:
        explicit section(hub& h);
        section(const section&) = delete;
        section& operator=(const section&) = delete;
        ~section();

      private:
        hub& hub_;
        std::unique_lock<std::mutex> lock_;
    };

    /// Follows a change the store committed (store/changes.hpp): memory, then the fan-out.
    /// The hub's only path from a commit to what anyone is told of it; a failed job's
    /// completion only reports the failure.
    void apply(const store::change& c);

    // All private functions expect mutex_ held (a section).
    void started(const std::string& conversation_id);
    void message_added(const std::string& conversation_id, std::int64_t seq);
    void disposition_recorded(const std::string& conversation_id);
    void send(const std::shared_ptr<link>& to, frame_ptr frame);
    void send(const std::shared_ptr<link>& to, std::string frame);
    void send(const std::shared_ptr<link>& to, deferred_ptr frame);
    void send_close(const std::shared_ptr<link>& to, std::uint16_t code, std::string reason);
    conversation* find(const std::string& id);
    conversation* visitor_conversation(visitor_key v);
    staff_link* staff_of(const link* l);
    /// The conversation `l`'s member may act on: their own, or as a supervisor or admin any
    /// assigned one, unless `owner_only` (writing: the visitor must know who is writing).
    core::result<conversation*> owned_conversation(const link* l, const std::string& id,
                                                   bool allow_closed, bool owner_only = false);
    /// What a console is told when its accept or transfer did not commit: `lost_message` when
    /// the store gave the chat to someone else (`*lost`), `failed_message` when it failed.
    after_commit claim_failed(std::string conversation_id, std::weak_ptr<link> console,
                              std::shared_ptr<bool> lost, std::string lost_message,
                              std::string failed_message);
    /// Ends an active chat, or lets go of one the visitor ended, with `disposition`.
    void end_chat(conversation& c, const std::string& disposition);
    /// The caller's member when they oversee (supervisor, admin); forbidden otherwise.
    core::result<staff_link*> overseer(const link* l);
    void append(conversation& c, conversations::message body, std::optional<std::int64_t> staff_id,
                const std::string& client_id, commit_hooks hooks = {});
    /// Takes message `seq` out of the conversation's pending ones, if it is there.
    static std::optional<pending_message> take_pending(conversation& c, std::int64_t seq);
    void on_stored(const pending_message& p);
    void send_chat(const std::string& conversation_id, std::int64_t staff_id,
                   const std::set<const link*>& to, std::int64_t after_seq);
    /// The evaluation record of a conversation that is finished, written with `disposition`.
    extra_work record_evaluation(const conversation& c, const std::string& disposition) const;
    void close_conversation(conversation& c, closed_by by, const std::string& disposition);
    void forget(const std::string& conversation_id);
    conversations::visitor_view visitor_view_of(const conversation& c) const;
    /// What a `chat` frame says of `c`, without its messages.
    static frames::staff::chat_fields chat_fields_of(const conversation& c);
    std::string advocate_name(const conversation& c) const;
    /// The member's name as the hub knows it; empty for one it has never heard of.
    std::string name_of(std::int64_t staff_id) const;
    bool oversees(std::int64_t staff_id) const;
    int active_chats_of(std::int64_t staff_id) const;
    std::size_t available_advocates() const;
    /// Tells the conversation's visitor, if connected, once the lock is let go.
    void to_visitor(const conversation& c,
                    std::function<void(conversations::visitor_endpoint&)> tell);
    void to_owner(const conversation& c, const frame_ptr& frame);
    void to_owner(const conversation& c, std::string frame) {
        to_owner(c, make_frame(std::move(frame)));
    }
    void to_staff(std::int64_t staff_id, const frame_ptr& frame);
    void broadcast_queue();
    void broadcast_staff();
    void broadcast_overview();
    void broadcast_blocks();
    /// One page of the queue from `offset` (conversations::queue::page).
    boost::json::array queue_entries(std::size_t offset) const;
    std::string queue_frame(std::size_t offset) const;
    /// The active blocks, oldest first.
    boost::json::array block_list();
    boost::json::array staff_list() const;
    boost::json::array overview() const;

    store::worker& store_;
    const privacy::keyring& keys_;
    const privacy::policy_registry& policy_;
    const core::clock& clock_;
    hub_settings settings_;

    mutable std::mutex mutex_;
    outbox outbox_;  // guarded by mutex_
    std::map<std::string, conversation> conversations_;
    std::map<std::string, std::string> by_token_;
    conversations::queue queue_;
    conversations::routing routing_;
    conversations::new_chat_limit new_chats_;
    std::map<visitor_key, std::string> visitor_links_;
    std::map<const link*, staff_link> staff_links_;
    conversations::presence<const link*> presence_;
    /// Every member the hub has heard of (loaded at start, refreshed when they open a
    /// console): names for the chat's events and the lists, roles for what they oversee.
    std::map<std::int64_t, staff::member> members_;
    visitor_blocks blocks_;
    /// Names this hub's changes among those of every node (store::change::origin).
    std::string node_ = core::random_hex(8);
    std::shared_ptr<const store::change_listener> listening_;  // last: unregisters first
};

}  // namespace sc::chat
