<?xml version="1.0" encoding="UTF-8"?>
<!-- Gatehouse: the sites a portal user may see (page "portal-sites",
     GET /portal/<slug>/sites[?id=N]). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:import href="portal-layout.xsl"/>

  <xsl:template match="portal-sites">
    <div class="page-head">
      <p class="breadcrumb"><a href="/portal/{/page/portal/@slug}/home">Home</a></p>
      <h1>Sites</h1>
    </div>
    <ul class="portal-sites">
      <xsl:for-each select="site">
        <li>
          <xsl:if test="@parent"><xsl:attribute name="class">sub-site</xsl:attribute></xsl:if>
          <a href="/portal/{/page/portal/@slug}/sites?id={@id}"><xsl:value-of select="name"/></a>
          <xsl:if test="normalize-space(address) != ''"> · <xsl:value-of select="address"/></xsl:if>
        </li>
      </xsl:for-each>
    </ul>
    <xsl:if test="not(site)"><p class="note">No sites have been shared with you.</p></xsl:if>
  </xsl:template>

</xsl:stylesheet>
