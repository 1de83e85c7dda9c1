package io.coxswain.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One query in, one response out: the cluster's names from {@link ClusterZone} at once (map reads only), the rest
 * through {@link Upstream}. Responses are sized for their transport: 512 bytes on UDP, or the EDNS0 size the client
 * offered, truncated with TC set beyond it (the client then asks again over TCP); 65,535 on TCP.
 */
final class DnsHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DnsHandler.class);
    private static final int HEADER_LENGTH = 12;
    static final int UDP_MAX = 512;
    static final int TCP_MAX = 65535;
    /** The EDNS0 size we offer and honour at most, as CoreDNS does. */
    static final int EDNS_MAX = 4096;

    private final ClusterZone zone;
    private final Upstream upstream;

    DnsHandler(ClusterZone zone, Upstream upstream) {
        this.zone = zone;
        this.upstream = upstream;
    }

    Upstream upstream() {
        return upstream;
    }

    /** The response's wire form, or a completed null when the datagram is not a DNS query at all (dropped). */
    CompletionStage<byte[]> handle(byte[] wire, boolean tcp) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return CompletableFuture.completedFuture(formatError(wire));
        }
        if (query.getHeader().getFlag(Flags.QR)) {
            return CompletableFuture.completedFuture(null);
        }
        OPTRecord opt = query.getOPT();
        int max = tcp ? TCP_MAX : opt == null ? UDP_MAX : Math.max(UDP_MAX, Math.min(opt.getPayloadSize(), EDNS_MAX));
        Record question = query.getQuestion();
        if (query.getHeader().getOpcode() != Opcode.QUERY || question == null) {
            return CompletableFuture.completedFuture(error(query, query.getHeader().getOpcode() != Opcode.QUERY ? Rcode.NOTIMP : Rcode.FORMERR)
                    .toWire(max));
        }
        if (zone.owns(question.getName(), question.getType())) {
            return CompletableFuture.completedFuture(withOpt(zone.answer(query), opt).toWire(max));
        }
        if (!upstream.configured()) {
            return CompletableFuture.completedFuture(error(query, Rcode.SERVFAIL).toWire(max));
        }
        int id = query.getHeader().getID();
        return upstream.send(query.clone()).handle((answer, failure) -> {
            if (failure != null) {
                LOG.debug("upstream failed for {}: {}", question.getName(), failure.toString());
                return error(query, Rcode.SERVFAIL).toWire(max);
            }
            answer.getHeader().setID(id);
            return answer.toWire(max);
        });
    }

    private static Message withOpt(Message response, OPTRecord opt) {
        if (opt != null) {
            response.addRecord(new OPTRecord(EDNS_MAX, 0, 0), Section.ADDITIONAL);
        }
        return response;
    }

    private static Message error(Message query, int rcode) {
        Message response = new Message(query.getHeader().getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setOpcode(query.getHeader().getOpcode());
        h.setRcode(rcode);
        if (query.getQuestion() != null) {
            response.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return response;
    }

    /** FORMERR with the query's ID when at least a header came; null (drop) otherwise. */
    private static byte[] formatError(byte[] wire) {
        if (wire.length < HEADER_LENGTH) {
            return null;
        }
        Message response = new Message(((wire[0] & 0xff) << 8) | (wire[1] & 0xff));
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setRcode(Rcode.FORMERR);
        return response.toWire();
    }
}
