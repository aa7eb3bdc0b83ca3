// An Element-like Matrix client for the tests: matrix-js-sdk with its Rust crypto (the engine inside
// Element), driven over stdin/stdout, one JSON object per line each way:
//   -> {"id": 1, "op": "start", ...}      <- {"id": 1, "ok": true, "result": ...}
// It decides nothing about the bot: it only reports what a person's client would show (decrypted
// text, decryption failures and their reasons, the shield next to each message, identity warnings).
import * as readline from "node:readline";
import * as sdk from "matrix-js-sdk";
import {
    DecryptionFailureCode,
    EventShieldColour,
    EventShieldReason,
    OnlySignedDevicesIsolationMode,
} from "matrix-js-sdk/lib/crypto-api/index.js";
import loglevel from "loglevel";

loglevel.getLogger("matrix").setLevel("error");
// stdout carries the protocol only: every library's console output goes to stderr.
const toStderr = (...args) => process.stderr.write(args.map(String).join(" ") + "\n");
console.log = console.info = console.debug = console.warn = console.trace = toStderr;
const reply = (answer) => process.stdout.write("@@" + JSON.stringify(answer) + "\n");

let client = null;
const seen = new Map(); // roomId -> [MatrixEvent]
const invites = new Map(); // roomId -> {inviter, direct}

function remember(event, room) {
    if (!room) return;
    const list = seen.get(room.roomId) ?? [];
    if (!list.includes(event)) list.push(event);
    seen.set(room.roomId, list);
}

async function describe(event) {
    await client.decryptEventIfNeeded(event);
    const info = event.isEncrypted() ? await client.getCrypto().getEncryptionInfoForEvent(event) : null;
    const content = event.getContent();
    return {
        event_id: event.getId(),
        sender: event.getSender(),
        type: event.getType(),
        encrypted: event.isEncrypted(),
        decryption_failure: event.isDecryptionFailure(),
        failure_reason: event.decryptionFailureReason ?? null,
        msgtype: content.msgtype ?? null,
        body: content.body ?? null,
        url: content.url ?? null, // an unencrypted file
        file: content.file ?? null, // an encrypted file: url, key, iv, hashes
        shield: info ? EventShieldColour[info.shieldColour] : null,
        shield_reason: info && info.shieldReason !== null ? EventShieldReason[info.shieldReason] : null,
    };
}

async function until(check, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

const ops = {
    async start({ baseUrl, userId, accessToken, deviceId, strict, crossSign }) {
        client = sdk.createClient({ baseUrl, userId, accessToken, deviceId });
        await client.initRustCrypto({ useIndexedDB: false });
        const crypto = client.getCrypto();
        if (strict) crypto.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());
        if (crossSign) {
            // As Element does on a first login: own cross-signing keys (first upload needs no auth).
            await crypto.bootstrapCrossSigning({ authUploadDeviceSigningKeys: async (make) => make(null) });
        }
        client.on(sdk.RoomEvent.Timeline, (event, room) => remember(event, room));
        client.on(sdk.RoomMemberEvent.Membership, (event, member) => {
            if (member.userId === userId && member.membership === "invite") {
                invites.set(member.roomId, {
                    inviter: event.getSender(),
                    direct: Boolean(event.getContent().is_direct),
                });
            }
        });
        const ready = new Promise((resolve) =>
            client.on(sdk.ClientEvent.Sync, (state) => state === "PREPARED" && resolve()),
        );
        await client.startClient({ initialSyncLimit: 20 });
        await ready;
        return { device_id: client.getDeviceId() };
    },

    // Element's decision for a new direct chat: encrypted when every invitee has devices with keys.
    async openDirectChat({ invite, forceEncrypted }) {
        const devices = await client.getCrypto().getUserDeviceInfo([invite], true);
        const withKeys = (devices.get(invite)?.size ?? 0) > 0;
        const encrypted = Boolean(forceEncrypted) || withKeys;
        const initial_state = encrypted
            ? [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }]
            : [];
        const { room_id } = await client.createRoom({
            preset: "trusted_private_chat",
            is_direct: true,
            invite: [invite],
            initial_state,
        });
        return { room_id, encrypted, invitee_has_keys: withKeys };
    },

    async createRoom({ name, invite, encrypted }) {
        const initial_state = encrypted
            ? [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }]
            : [];
        const { room_id } = await client.createRoom({ name, preset: "private_chat", invite, initial_state });
        return { room_id };
    },

    async joinRoom({ roomId }) {
        await client.joinRoom(roomId);
        return {};
    },

    async waitForJoin({ roomId, userId, timeoutMs }) {
        await until(() => client.getRoom(roomId)?.getMember(userId)?.membership === "join", timeoutMs, "join");
        return {};
    },

    async acceptInvite({ from, timeoutMs }) {
        const roomId = await until(
            () => [...invites].find(([id, i]) => i.inviter === from && !client.getRoom(id)?.hasMembershipState(client.getUserId(), "join"))?.[0],
            timeoutMs ?? 30000,
            `an invite from ${from}`,
        );
        const direct = invites.get(roomId).direct;
        await client.joinRoom(roomId);
        return { room_id: roomId, direct };
    },

    async send({ roomId, text }) {
        const { event_id } = await client.sendTextMessage(roomId, text);
        return { event_id };
    },

    async messages({ roomId, sender, count, timeoutMs }) {
        const pick = async () => {
            const events = (seen.get(roomId) ?? []).filter(
                (e) => e.getSender() === sender && ["m.room.message", "m.room.encrypted"].includes(e.getWireType()),
            );
            if (events.length < count) return null;
            const described = [];
            for (const event of events) described.push(await describe(event));
            // A message still being decrypted is not a failure yet: wait until none is pending.
            if (described.some((d) => d.type === "m.room.encrypted" && !d.decryption_failure)) return null;
            return described;
        };
        return await until(pick, timeoutMs ?? 30000, `${count} messages from ${sender}`);
    },

    async everything({ roomId }) {
        const described = [];
        for (const event of seen.get(roomId) ?? []) {
            if (["m.room.message", "m.room.encrypted"].includes(event.getWireType())) described.push(await describe(event));
        }
        return described;
    },

    async userStatus({ userId }) {
        const crypto = client.getCrypto();
        await crypto.getUserDeviceInfo([userId], true);
        const status = await crypto.getUserVerificationStatus(userId);
        const devices = (await crypto.getUserDeviceInfo([userId])).get(userId) ?? new Map();
        const deviceStatus = {};
        for (const deviceId of devices.keys()) {
            const s = await crypto.getDeviceVerificationStatus(userId, deviceId);
            deviceStatus[deviceId] = { signed_by_owner: s?.signedByOwner ?? false };
        }
        return {
            needs_user_approval: status.needsUserApproval,
            cross_signing_verified: status.isCrossSigningVerified(),
            was_verified: status.wasCrossSigningVerified(),
            devices: deviceStatus,
        };
    },

    async isEncrypted({ roomId }) {
        return { encrypted: await client.getCrypto().isEncryptionEnabledInRoom(roomId) };
    },

    async stop() {
        client?.stopClient();
        setTimeout(() => process.exit(0), 50);
        return {};
    },
};

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
    if (!line.trim()) continue;
    const { id, op, ...args } = JSON.parse(line);
    try {
        const result = await ops[op](args);
        reply({ id, ok: true, result });
    } catch (error) {
        reply({ id, ok: false, error: String(error?.stack ?? error) });
    }
}
