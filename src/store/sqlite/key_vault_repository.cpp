#include "store/sqlite/key_vault_repository.hpp"

namespace sc::store {

void sqlite_key_vault_repository::put(const std::string& conversation_id,
                                      const std::string& sealed_key) {
    db_.prepare("INSERT INTO vault.conversation_keys (conversation_id, sealed_key) VALUES (?, ?)")
        .bind(1, conversation_id)
        .bind_blob(2, sealed_key)
        .run();
}

void sqlite_key_vault_repository::destroy(const std::vector<std::string>& conversation_ids) {
    for (const auto& id : conversation_ids) {
        db_.prepare("DELETE FROM vault.conversation_keys WHERE conversation_id = ?")
            .bind(1, id)
            .run();
    }
}

}  // namespace sc::store
