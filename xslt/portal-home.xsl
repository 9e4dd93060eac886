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
        <xsl:if test="sections/section[@href]">
          <nav class="portal-nav" aria-label="Portal sections">
            <ul>
              <xsl:for-each select="sections/section[@href]">
                <li>
                  <a href="{@href}">
                    <xsl:choose>
                      <xsl:when test="@key = 'invoices_view'">Invoices</xsl:when>
                      <xsl:when test="@key = 'estimates_view'">Estimates</xsl:when>
                      <xsl:when test="@key = 'jobs_view'">Jobs / Schedule</xsl:when>
                      <xsl:when test="@key = 'documents_view'">Documents</xsl:when>
                      <xsl:when test="@key = 'equipment_view'">Equipment</xsl:when>
                      <xsl:when test="@key = 'sites_view'">Sites</xsl:when>
                      <xsl:when test="@key = 'manage_colleagues'">Colleagues</xsl:when>
                      <xsl:otherwise><xsl:value-of select="@label"/></xsl:otherwise>
                    </xsl:choose>
                  </a>
                </li>
              </xsl:for-each>
            </ul>
          </nav>
        </xsl:if>
        <h2>What you can do here</h2>
        <ul class="portal-sections">
          <xsl:for-each select="sections/section">
            <li><xsl:value-of select="@label"/></li>
          </xsl:for-each>
        </ul>
      </xsl:when>
      <xsl:otherwise>
        <p class="note">Nothing has been shared with you here yet.</p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
