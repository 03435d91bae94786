/* SPDX-License-Identifier: MIT */
/*
 * IRC numeric replies by name: the one list the server sends from and
 * the client reads with.  Numbers and names are those of RFC 1459,
 * RFC 2812, the Modern IRC client protocol document and the IRCv3
 * specifications (MONITOR); docs/irc.md says which command sends which.
 */
#ifndef CCHAT_IRC_NUMERICS_H
#define CCHAT_IRC_NUMERICS_H

/* Registration */
#define RPL_WELCOME             1
#define RPL_YOURHOST            2
#define RPL_CREATED             3
#define RPL_MYINFO              4
#define RPL_ISUPPORT            5

/* Replies */
#define RPL_STATSCOMMANDS       212
#define RPL_ENDOFSTATS          219
#define RPL_UMODEIS             221
#define RPL_STATSUPTIME         242
#define RPL_STATSOLINE          243
#define RPL_LUSERCLIENT         251
#define RPL_LUSEROP             252
#define RPL_LUSERUNKNOWN        253
#define RPL_LUSERCHANNELS       254
#define RPL_LUSERME             255
#define RPL_ADMINME             256
#define RPL_ADMINLOC1           257
#define RPL_ADMINLOC2           258
#define RPL_ADMINEMAIL          259
#define RPL_LOCALUSERS          265
#define RPL_GLOBALUSERS         266
#define RPL_AWAY                301
#define RPL_USERHOST            302
#define RPL_ISON                303
#define RPL_UNAWAY              305
#define RPL_NOWAWAY             306
#define RPL_WHOISUSER           311
#define RPL_WHOISSERVER         312
#define RPL_WHOISOPERATOR       313
#define RPL_WHOWASUSER          314
#define RPL_ENDOFWHO            315
#define RPL_WHOISIDLE           317
#define RPL_ENDOFWHOIS          318
#define RPL_WHOISCHANNELS       319
#define RPL_LISTSTART           321
#define RPL_LIST                322
#define RPL_LISTEND             323
#define RPL_CHANNELMODEIS       324
#define RPL_CREATIONTIME        329
#define RPL_NOTOPIC             331
#define RPL_TOPIC               332
#define RPL_TOPICWHOTIME        333
#define RPL_INVITING            341
#define RPL_VERSION             351
#define RPL_WHOREPLY            352
#define RPL_NAMREPLY            353
#define RPL_ENDOFNAMES          366
#define RPL_BANLIST             367
#define RPL_ENDOFBANLIST        368
#define RPL_ENDOFWHOWAS         369
#define RPL_INFO                371
#define RPL_MOTD                372
#define RPL_ENDOFINFO           374
#define RPL_MOTDSTART           375
#define RPL_ENDOFMOTD           376
#define RPL_YOUREOPER           381
#define RPL_REHASHING           382
#define RPL_TIME                391
#define RPL_HELPSTART           704
#define RPL_HELPTXT             705
#define RPL_ENDOFHELP           706

/* Errors */
#define ERR_NOSUCHNICK          401
#define ERR_NOSUCHSERVER        402
#define ERR_NOSUCHCHANNEL       403
#define ERR_CANNOTSENDTOCHAN    404
#define ERR_TOOMANYCHANNELS     405
#define ERR_WASNOSUCHNICK       406
#define ERR_TOOMANYTARGETS      407
#define ERR_NOORIGIN            409
#define ERR_INVALIDCAPCMD       410
#define ERR_NORECIPIENT         411
#define ERR_NOTEXTTOSEND        412
#define ERR_INPUTTOOLONG        417
#define ERR_UNKNOWNCOMMAND      421
#define ERR_NOMOTD              422
#define ERR_NONICKNAMEGIVEN     431
#define ERR_ERRONEUSNICKNAME    432
#define ERR_NICKNAMEINUSE       433
#define ERR_UNAVAILRESOURCE     437
#define ERR_USERNOTINCHANNEL    441
#define ERR_NOTONCHANNEL        442
#define ERR_USERONCHANNEL       443
#define ERR_NOTREGISTERED       451
#define ERR_NEEDMOREPARAMS      461
#define ERR_ALREADYREGISTERED   462
#define ERR_PASSWDMISMATCH      464
#define ERR_KEYSET              467
#define ERR_CHANNELISFULL       471
#define ERR_UNKNOWNMODE         472
#define ERR_INVITEONLYCHAN      473
#define ERR_BANNEDFROMCHAN      474
#define ERR_BADCHANNELKEY       475
#define ERR_BADCHANMASK         476
#define ERR_NEEDREGGEDNICK      477
#define ERR_BANLISTFULL         478
#define ERR_NOPRIVILEGES        481
#define ERR_CHANOPRIVSNEEDED    482
#define ERR_SECUREONLYCHAN      489     /* JOIN of a +z channel in clear */
#define ERR_NOOPERHOST          491
#define ERR_UMODEUNKNOWNFLAG    501
#define ERR_USERSDONTMATCH      502
#define ERR_HELPNOTFOUND        524
#define ERR_INVALIDKEY          525
#define ERR_INVALIDMODEPARAM    696
#define ERR_CANNOTCHANGECHANMODE 974    /* +z with a member in clear */

/* SASL (IRCv3) */
#define RPL_WHOISACCOUNT        330
#define RPL_WHOISSECURE         671     /* on TLS or the encrypted port */
#define RPL_LOGGEDIN            900
#define RPL_SASLSUCCESS         903
#define ERR_SASLFAIL            904
#define ERR_SASLABORTED         906
#define ERR_SASLALREADY         907
#define RPL_SASLMECHS           908

/* MONITOR (IRCv3) */
#define RPL_MONONLINE           730
#define RPL_MONOFFLINE          731
#define RPL_MONLIST             732
#define RPL_ENDOFMONLIST        733
#define ERR_MONLISTFULL         734

#endif
