<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: a contact without an email made a portal user (page
     "contact-enabled", the answer to POST /settings/customers/contacts/enable):
     the login and the generated password, shown this once. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="page" mode="title">Portal user created</xsl:template>

  <xsl:template match="contact-enabled">
    <div class="page-head">
      <h1>Portal user created</h1>
    </div>
    <section class="card">
      <p><strong><xsl:value-of select="name"/></strong> can sign in to the client portal with:</p>
      <dl class="facts">
        <dt>Login</dt><dd><code class="login"><xsl:value-of select="login"/></code></dd>
        <dt>Password</dt><dd><code class="password"><xsl:value-of select="password"/></code></dd>
      </dl>
      <p class="note">This password is shown only now and is never emailed. Give it to the
        contact yourself; they can change it on their account page.</p>
      <p><a class="btn" href="/settings/customers/edit?id={@customer-id}">Back to the customer</a></p>
    </section>
  </xsl:template>

</xsl:stylesheet>
