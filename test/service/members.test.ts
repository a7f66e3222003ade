import { describe, expect, it, vi, afterEach } from "vitest";
import { systemActor, type Actor } from "~/modules/audit/audit.server";
import {
  acceptInvitation,
  acceptInvitationWithNewAccount,
  changeMemberRoles,
  findInvitation,
  getMemberships,
  inviteMember,
  listMembers,
  removeMember,
  resendInvitation,
  revokeInvitation,
} from "~/modules/members/members.server";
import { AppError } from "~/utils/errors";
import { useTestDb } from "../support/db";
import { auditActions, createCompany, createUser, linkIn, outbox, rowCounts } from "../support/factories";

const ctx = useTestDb();
afterEach(() => vi.useRealTimers());

async function expectCode(promise: Promise<unknown>, code: string) {
  await expect(promise).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
}

const actorFor = (u: { id: string; email: string }): Actor => ({ ...systemActor(), userId: u.id, label: u.email, ip: "198.51.100.2" });
const inviter = { name: "Anna Admin", language: "sv" as const };

async function tokenFromLastMail() {
  const mail = (await outbox(ctx.db)).at(-1)!;
  return { to: mail.to_address, token: new URL(linkIn(mail.text_body)).searchParams.get("token")! };
}

describe("members and roles", () => {
  it("invites by e-mail; the invitee accepts with a new account and gets exactly the invited roles", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    const admin = actorFor(members.org_admin);
    await inviteMember(ctx.db, admin, organisation.id, { email: "new@example.test", roles: ["engineer", "compliance_officer"] }, inviter);
    const { to, token } = await tokenFromLastMail();
    expect(to).toBe("new@example.test");
    expect((await findInvitation(ctx.db, token))?.organisationName).toBe(organisation.name);
    const { userId } = await acceptInvitationWithNewAccount(ctx.db, systemActor(), token, { name: "Nils Ny", password: "a fine long passphrase" }, "en");
    const [membership] = await getMemberships(ctx.db, userId);
    expect(membership?.organisation.id).toBe(organisation.id);
    expect(membership?.roles).toEqual(["compliance_officer", "engineer"]);
    const user = await ctx.db.selectFrom("user").select(["email_verified_at", "locale"]).where("id", "=", userId).executeTakeFirstOrThrow();
    expect(user.email_verified_at).not.toBeNull();
    expect(await findInvitation(ctx.db, token)).toBeNull();
    expect(await auditActions(ctx.db, organisation.id)).toEqual(["member.invited", "user.registered", "member.joined"]);
  });

  it("an existing account accepts only an invitation addressed to it", async () => {
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    const consultant = await createUser(ctx.db, { email: "consultant@example.test" });
    await inviteMember(ctx.db, actorFor(a.members.org_admin), a.organisation.id, { email: consultant.email, roles: ["partner_manager"] }, inviter);
    const { token } = await tokenFromLastMail();
    await expectCode(acceptInvitation(ctx.db, systemActor(), token, { ...b.members.engineer, staffRole: null }), "invitation_other_email");
    await acceptInvitation(ctx.db, systemActor(), token, { ...consultant, staffRole: null });
    expect((await getMemberships(ctx.db, consultant.id)).map((m) => m.organisation.id)).toEqual([a.organisation.id]);
    // An account cannot be made with the link once the address has one.
    await inviteMember(ctx.db, actorFor(b.members.org_admin), b.organisation.id, { email: consultant.email, roles: ["engineer"] }, inviter);
    const second = await tokenFromLastMail();
    await expectCode(acceptInvitationWithNewAccount(ctx.db, systemActor(), second.token, { name: "X", password: "a fine long passphrase" }, "sv"), "account_exists_sign_in");
  });

  it("refuses to invite a current member, and expires, replaces and revokes invitations", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { organisation, members } = await createCompany(ctx.db);
    const admin = actorFor(members.org_admin);
    await expectCode(inviteMember(ctx.db, admin, organisation.id, { email: members.engineer.email, roles: ["engineer"] }, inviter), "already_member");
    await inviteMember(ctx.db, admin, organisation.id, { email: "late@example.test", roles: ["engineer"] }, inviter);
    const first = await tokenFromLastMail();
    // Inviting the same address again replaces the pending invitation.
    const secondId = await inviteMember(ctx.db, admin, organisation.id, { email: "late@example.test", roles: ["partner_manager"] }, inviter);
    expect(await findInvitation(ctx.db, first.token)).toBeNull();
    const second = await tokenFromLastMail();
    vi.setSystemTime(Date.now() + 8 * 86_400_000);
    expect(await findInvitation(ctx.db, second.token)).toBeNull();
    await resendInvitation(ctx.db, admin, organisation.id, secondId, inviter);
    const third = await tokenFromLastMail();
    expect((await findInvitation(ctx.db, third.token))?.roles).toEqual(["partner_manager"]);
    await revokeInvitation(ctx.db, admin, organisation.id, secondId);
    expect(await findInvitation(ctx.db, third.token)).toBeNull();
  });

  it("nobody can join a suspended organisation, even with an invitation sent before", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    await inviteMember(ctx.db, actorFor(members.org_admin), organisation.id, { email: "late@example.test", roles: ["engineer"] }, inviter);
    const { token } = await tokenFromLastMail();
    await ctx.db.updateTable("organisation").set({ status: "suspended" }).where("id", "=", organisation.id).execute();
    expect(await findInvitation(ctx.db, token)).toBeNull();
    await expectCode(acceptInvitationWithNewAccount(ctx.db, systemActor(), token, { name: "Late", password: "a fine long passphrase" }, "sv"), "invitation_invalid");
  });

  it("never lets an organisation lose its last admin", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    const admin = actorFor(members.org_admin);
    const before = await rowCounts(ctx.db);
    await expectCode(changeMemberRoles(ctx.db, admin, organisation.id, members.org_admin.membershipId, ["engineer"], 1), "last_admin");
    await expectCode(removeMember(ctx.db, admin, organisation.id, members.org_admin.membershipId), "last_admin");
    expect(await rowCounts(ctx.db)).toEqual(before);
    // With a second admin, the first may step down.
    await changeMemberRoles(ctx.db, admin, organisation.id, members.engineer.membershipId, ["engineer", "org_admin"], 1);
    await changeMemberRoles(ctx.db, admin, organisation.id, members.org_admin.membershipId, ["compliance_officer"], 1);
    const roles = Object.fromEntries((await listMembers(ctx.db, organisation.id)).map((m) => [m.email, m.roles]));
    expect(roles[members.engineer.email]).toEqual(["org_admin", "engineer"]);
    expect(roles[members.org_admin.email]).toEqual(["compliance_officer"]);
    expect(await auditActions(ctx.db, organisation.id)).toEqual(["member.roles_changed", "member.roles_changed"]);
  });

  it("keeps an admin even when two admins are demoted and removed at the same moment", async () => {
    for (let round = 0; round < 5; round++) {
      const { organisation, members } = await createCompany(ctx.db);
      const admin = actorFor(members.org_admin);
      await changeMemberRoles(ctx.db, admin, organisation.id, members.engineer.membershipId, ["org_admin"], 1);
      const results = await Promise.allSettled([
        changeMemberRoles(ctx.db, admin, organisation.id, members.org_admin.membershipId, ["compliance_officer"], 1),
        removeMember(ctx.db, admin, organisation.id, members.engineer.membershipId),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(AppError);
      expect(rejected.reason.code).toBe("last_admin");
      const admins = (await listMembers(ctx.db, organisation.id)).filter((m) => m.roles.includes("org_admin"));
      expect(admins).toHaveLength(1);
    }
  });

  it("a company cannot touch another company's members or invitations", async () => {
    const a = await createCompany(ctx.db);
    const b = await createCompany(ctx.db);
    const admin = actorFor(a.members.org_admin);
    const invitationId = await inviteMember(ctx.db, actorFor(b.members.org_admin), b.organisation.id, { email: "b-invitee@example.test", roles: ["engineer"] }, inviter);
    const before = await rowCounts(ctx.db);
    await expectCode(changeMemberRoles(ctx.db, admin, a.organisation.id, b.members.engineer.membershipId, ["org_admin"], 1), "not_found");
    await expectCode(removeMember(ctx.db, admin, a.organisation.id, b.members.engineer.membershipId), "not_found");
    await expectCode(revokeInvitation(ctx.db, admin, a.organisation.id, invitationId), "not_found");
    await expectCode(resendInvitation(ctx.db, admin, a.organisation.id, invitationId, inviter), "not_found");
    expect(await rowCounts(ctx.db)).toEqual(before);
  });

  it("removes a member from the organisation, keeping their account", async () => {
    const { organisation, members } = await createCompany(ctx.db);
    await removeMember(ctx.db, actorFor(members.org_admin), organisation.id, members.engineer.membershipId);
    expect((await listMembers(ctx.db, organisation.id)).map((m) => m.email)).not.toContain(members.engineer.email);
    expect(await ctx.db.selectFrom("user").select("id").where("id", "=", members.engineer.id).executeTakeFirst()).toBeDefined();
    const [event] = await ctx.db.selectFrom("audit_event").selectAll().where("action", "=", "member.removed").execute();
    expect(event).toMatchObject({ actor_user_id: members.org_admin.id, organisation_id: organisation.id, ip: "198.51.100.2" });
  });
});
