# The cchat client, included by chat/chat.mk.
#
#   make $(BIN)/cchat          the terminal client (also `cchat keygen`)
#   make $(CHAT_GUEST_CCHAT)   the same, linked statically for the guest
#
# Everything but main.c goes into a library that the unit tests link.

CHAT_CLIENT_SRCS := $(filter-out %/main.c,$(wildcard $(TOP)/chat/client/*.c))
CHAT_CLIENT_LIB := $(CHAT_BUILD)/libcchat.a
CHAT_READLINE_LIBS := $(shell pkg-config --libs readline 2>/dev/null || \
	echo -lreadline)

ALL_TARGETS += $(BIN)/cchat
CHAT_UNIT_TESTS += $(patsubst $(TOP)/chat/tests/unit/%.c,$(CHAT_UNIT_DIR)/%,\
	$(wildcard $(TOP)/chat/tests/unit/test_client_*.c))

$(CHAT_CLIENT_LIB): $(call CHAT_OBJ,$(CHAT_CLIENT_SRCS))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN)/cchat: $(CHAT_BUILD)/client/main.o $(CHAT_CLIENT_LIB) \
		$(CHAT_COMMON_LIB) $(CHAT_SECURE_LIB)
	@mkdir -p $(@D)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ $(CHAT_READLINE_LIBS) $(CHAT_TLS_LIBS) \
		$(SECURE_CRYPTO_LIBS)

$(CHAT_BUILD)/client/transport_tls.o: CHAT_CFLAGS += $(CHAT_TLS_CFLAGS)

# main.c makes keys; transport_secure.c is the encrypted layer.
$(CHAT_BUILD)/client/main.o $(CHAT_BUILD)/client/transport_secure.o: \
	CHAT_CFLAGS += $(CHAT_SECURE_CFLAGS)

$(CHAT_UNIT_DIR)/test_client_%: $(CHAT_UNIT_DIR)/test_client_%.o \
		$(CHAT_CLIENT_LIB) $(CHAT_COMMON_LIB)
	$(CC) $(BASE_LDFLAGS) -o $@ $^ -lcmocka $(CHAT_READLINE_LIBS) \
		$(CHAT_TLS_LIBS) $(SECURE_CRYPTO_LIBS)

# The client tests include the client's own headers.
$(CHAT_UNIT_DIR)/test_client_%.o: CHAT_CFLAGS += -I$(TOP)/chat/client
