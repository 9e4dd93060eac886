<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the client portal's home (page "portal-home",
     GET /portal/<slug>/home). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-home">
    <div class="page-head">
      <p class="breadcrumb"><xsl:value-of select="/page/portal/@company-name"/></p>
      <h1>Welcome<xsl:if test="@kind = 'user'">, <xsl:value-of select="@email"/></xsl:if></h1>
      <p class="lead">The client portal of <strong><xsl:value-of select="@company"/></strong>.</p>
    </div>
    <xsl:choose>
      <xsl:when test="sections/section">
        <h2>What you can do here</h2>
        <ul class="portal-sections">
          <xsl:for-each select="sections/section">
            <li>
              <xsl:choose>
                <xsl:when test="@href"><a href="{@href}"><xsl:value-of select="@label"/></a></xsl:when>
                <xsl:otherwise><xsl:value-of select="@label"/></xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:when>
      <xsl:otherwise>
        <p class="note">Nothing has been shared with you here yet.</p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
