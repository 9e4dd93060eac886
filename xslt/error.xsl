<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: error document (<error status=".." request-id="..">), standalone. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="layout.xsl"/>

  <xsl:template match="/">
    <xsl:apply-templates select="error"/>
  </xsl:template>

  <xsl:template match="error">
    <xsl:variable name="title">
      <xsl:choose>
        <xsl:when test="normalize-space(title) != ''">
          <xsl:value-of select="normalize-space(title)"/>
        </xsl:when>
        <xsl:otherwise>Error</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <html lang="en">
      <xsl:call-template name="html-head">
        <xsl:with-param name="title" select="$title"/>
      </xsl:call-template>
      <body class="page-error signed-out">
        <main id="main" class="main main-plain">
          <div class="auth">
            <section class="card error-card" aria-labelledby="error-title">
              <p class="auth-brand">Gatehouse</p>
              <xsl:if test="string(@status) != ''">
                <p class="error-status">
                  <xsl:text>Error </xsl:text>
                  <xsl:value-of select="@status"/>
                </p>
              </xsl:if>
              <h1 id="error-title">
                <xsl:value-of select="$title"/>
              </h1>
              <xsl:if test="normalize-space(message) != ''">
                <p class="error-message">
                  <xsl:value-of select="message"/>
                </p>
              </xsl:if>
              <p class="actions">
                <a class="btn btn-primary" href="/settings/">Back to settings</a>
              </p>
              <xsl:if test="string(@request-id) != ''">
                <p class="reference">
                  <small>
                    <xsl:text>Reference: </xsl:text>
                    <xsl:value-of select="@request-id"/>
                  </small>
                </p>
              </xsl:if>
            </section>
          </div>
        </main>
      </body>
    </html>
  </xsl:template>

</xsl:stylesheet>
