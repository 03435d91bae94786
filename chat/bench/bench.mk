# The load generator and the comparison benchmark, included by
# chat/chat.mk.
#
#   make $(BIN)/cchat-bench   the load generator
#   make bench-chat           cchatd against ngircd (chat/bench/run-bench.sh)

CHAT_BENCH_SRCS := $(wildcard $(TOP)/chat/bench/*.c)

ALL_TARGETS += $(BIN)/cchat-bench
BENCH_TARGETS += bench-chat

$(BIN)/cchat-bench: $(call CHAT_OBJ,$(CHAT_BENCH_SRCS)) $(CHAT_COMMON_LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ -lm

.PHONY: bench-chat
bench-chat: $(BIN)/cchatd $(BIN)/cchat-bench
	@BIN=$(BIN) BUILD=$(BUILD) $(TOP)/chat/bench/run-bench.sh
