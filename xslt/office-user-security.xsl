<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the confirmation of an office user's two-step verification
     reset (page "office-user-security",
     GET /settings/office-users/security?id=N&action=reset). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Reset two-step verification</xsl:template>

  <xsl:template match="office-user-security">
    <xsl:variable name="u" select="user"/>
    <div class="page-head">
      <p class="breadcrumb">Office › <a href="/settings/office-users">Office Users</a></p>
      <h1>Reset two-step verification?</h1>
    </div>
    <section class="card danger-card" aria-labelledby="confirm-title">
      <h2 id="confirm-title">
        <xsl:value-of select="$u/email"/>
        <xsl:if test="normalize-space(concat($u/first, $u/last)) != ''">
          <xsl:value-of select="concat(' (', normalize-space(concat($u/first, ' ', $u/last)), ')')"/>
        </xsl:if>
      </h2>
      <p>Their authenticator key and recovery codes are deleted and
        <xsl:choose>
          <xsl:when test="$u/@self = '1'">your other sessions end</xsl:when>
          <xsl:otherwise>every session of theirs ends</xsl:otherwise>
        </xsl:choose>.
        They sign in with the password alone until they set two-step verification up again
        (at once, if it is required).</p>
      <xsl:if test="$u/@mfa-enabled != '1'">
        <p class="note">Two-step verification is not on for this user: a reset changes nothing
          but their sessions.</p>
      </xsl:if>
      <form class="inline-form" method="post" action="/settings/office-users/security">
        <input type="hidden" name="csrf" value="{/page/session/@csrf}"/>
        <input type="hidden" name="id" value="{$u/@id}"/>
        <input type="hidden" name="action" value="reset"/>
        <input type="hidden" name="confirm" value="1"/>
        <div class="actions">
          <button type="submit" class="btn btn-danger">Reset two-step verification</button>
          <a class="btn btn-link" href="/settings/office-users/edit?id={$u/@id}">Cancel</a>
        </div>
      </form>
    </section>
  </xsl:template>

</xsl:stylesheet>
